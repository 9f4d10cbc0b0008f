package dev.offload.dispatch;

import dev.offload.task.RunningAttempt;
import dev.offload.tracing.AttemptSpan;
import dev.offload.tracing.AttemptTracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The attempts running on this node, by task id, each with its deadline: what lease renewals, queue
 * limits, cancel requests, the timeout sweep and shutdown look at. An attempt is {@code ended} once
 * its outcome was decided without it (it timed out, or the node is stopping): its handler may still
 * run, and what it returns is ignored. Each has its span ({@link AttemptTracing}), started when it
 * is added and ended with its outcome, or when it is handed back. Confined to the dispatcher's
 * event loop.
 */
final class InFlightAttempts {

  static final class InFlight {
    final RunningAttempt attempt;
    final long deadlineNanos;
    final AttemptSpan span;
    boolean ended;

    private InFlight(RunningAttempt attempt, AttemptSpan span) {
      this.attempt = attempt;
      this.deadlineNanos = System.nanoTime() + attempt.task().timeout().toNanos();
      this.span = span;
    }
  }

  private final Map<UUID, InFlight> byTask = new HashMap<>();
  private final AttemptTracing tracing;
  private final String nodeId;

  InFlightAttempts(AttemptTracing tracing, String nodeId) {
    this.tracing = tracing;
    this.nodeId = nodeId;
  }

  void add(RunningAttempt attempt) {
    byTask.put(attempt.taskId(), new InFlight(attempt, tracing.started(attempt.task(), nodeId)));
  }

  /** The attempt of this task running here, or null. */
  InFlight get(UUID taskId) {
    return byTask.get(taskId);
  }

  void remove(UUID taskId) {
    byTask.remove(taskId);
  }

  int size() {
    return byTask.size();
  }

  long inQueue(String queue) {
    return byTask.values().stream()
        .filter(running -> running.attempt.task().queue().equals(queue))
        .count();
  }

  Collection<RunningAttempt> attempts() {
    return byTask.values().stream().map(running -> running.attempt).toList();
  }

  /** Asks the task's attempt to stop, if it runs here and has not ended. */
  void requestStop(UUID taskId, String reason) {
    InFlight running = byTask.get(taskId);
    if (running != null && !running.ended) {
      running.attempt.requestStop(reason);
    }
  }

  /** The attempts past their deadline that have not ended yet. */
  List<InFlight> late(long nowNanos) {
    return byTask.values().stream()
        .filter(running -> !running.ended && nowNanos - running.deadlineNanos >= 0)
        .toList();
  }

  /**
   * Ends every attempt and asks it to stop; returns the tasks of those whose outcome was still
   * open, which the caller hands back.
   */
  List<UUID> endAll(String reason) {
    List<UUID> unfinished =
        byTask.entrySet().stream()
            .filter(entry -> !entry.getValue().ended)
            .map(Map.Entry::getKey)
            .toList();
    unfinished.forEach(taskId -> byTask.get(taskId).span.handedBack(reason));
    byTask
        .values()
        .forEach(
            running -> {
              running.ended = true;
              running.attempt.requestStop(reason);
            });
    return unfinished;
  }

  /** Completes when no attempt runs here any more, or after {@code grace}. */
  Future<Void> emptied(Vertx vertx, Duration grace) {
    if (byTask.isEmpty() || grace.isZero()) {
      return Future.succeededFuture();
    }
    Promise<Void> emptied = Promise.promise();
    long timer =
        vertx.setPeriodic(
            20,
            id -> {
              if (byTask.isEmpty()) {
                emptied.tryComplete();
              }
            });
    vertx.setTimer(grace.toMillis(), id -> emptied.tryComplete());
    return emptied.future().onComplete(ignored -> vertx.cancelTimer(timer));
  }
}
