package dev.offload.dispatch;

/**
 * What one claim may take: idle workers to fill, free asynchronous slots (below zero while many
 * outcomes wait for their write), and the attempts remote workers wait for here.
 */
record ClaimRoom(int workers, int async, int remote) {

  /**
   * Outcomes waiting for a write hold their place, so claims never outrun the writes by more than a
   * batch; while more wait than there are asynchronous slots, no worker is filled either.
   */
  static ClaimRoom of(
      int idleWorkers, int asyncConcurrency, int asyncRunning, int waitingWrites, int remote) {
    int workers = waitingWrites > asyncConcurrency ? 0 : idleWorkers;
    return new ClaimRoom(workers, asyncConcurrency - asyncRunning - waitingWrites, remote);
  }

  int total() {
    return workers + Math.max(0, async) + remote;
  }
}
