package dev.offload.dispatch;

import dev.offload.metrics.TaskMetrics;
import dev.offload.store.AttemptStore;
import dev.offload.support.OutageLog;
import dev.offload.task.AttemptEnd;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes how attempts ended with group commit: while one write is in flight, new ends queue up and
 * go out together in the next statement. An idle node writes each end at once; a busy one batches
 * by itself. A failed write is retried until it succeeds, so an outcome is lost only if the process
 * dies, and then the lease brings the task back. The store drops the outcome of an attempt that is
 * no longer current (its lease expired and the task was rescued; or an earlier try of this write
 * was committed, its answer lost with the connection): those are counted. Event-loop confined.
 */
final class AttemptEndWriter {

  private static final int MAX_BATCH = 1_000;

  private final Vertx vertx;
  private final AttemptStore store;
  private final TaskMetrics metrics;
  private final Clock clock;
  private final Duration retryInterval;
  private final OutageLog outageLog = new OutageLog("writing attempt outcomes");
  private final Runnable onWritten;
  private List<AttemptEnd> pending = new ArrayList<>();
  private boolean writing;
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();

  /** The reported ends pending or being written, by lease token: each waits for its answer. */
  private final Map<UUID, Promise<Boolean>> reported = new HashMap<>();

  /**
   * @param onWritten called after each write: the capacity those outcomes held is free again
   */
  AttemptEndWriter(
      Vertx vertx,
      AttemptStore store,
      TaskMetrics metrics,
      Clock clock,
      Duration retryInterval,
      Runnable onWritten) {
    this.onWritten = onWritten;
    this.vertx = vertx;
    this.store = store;
    this.metrics = metrics;
    this.clock = clock;
    this.retryInterval = retryInterval;
  }

  void add(AttemptEnd end) {
    pending.add(end);
    if (!writing) {
      write();
    }
  }

  /**
   * Adds an end a remote worker reported with its lease token; completes, once written, with
   * whether the store took it (false: the token no longer held the attempt's lease).
   */
  Future<Boolean> addReported(AttemptEnd end) {
    if (reported.containsKey(end.leaseToken())) { // another end of that attempt is on its way
      return Future.succeededFuture(false);
    }
    Promise<Boolean> taken = Promise.promise();
    reported.put(end.leaseToken(), taken);
    add(end);
    return taken.future();
  }

  /**
   * Outcomes decided but waiting for a write: those of the batch being written are not counted. The
   * dispatcher counts these against its capacity, so its next claim overlaps the write in flight,
   * but claims cannot run further ahead of the writes than that batch.
   */
  int waiting() {
    return pending.size();
  }

  /** Completes once every end added so far is written. */
  Future<Void> flushed() {
    if (!writing && pending.isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> idle = Promise.promise();
    idleWaiters.add(idle);
    return idle.future();
  }

  private void answerReported(List<AttemptEnd> batch, Set<UUID> taken) {
    for (AttemptEnd end : batch) {
      if (end.leaseToken() != null) {
        Promise<Boolean> answer = reported.remove(end.leaseToken());
        if (answer != null) {
          answer.complete(taken.contains(end.leaseToken()));
        }
      }
    }
  }

  private void write() {
    List<AttemptEnd> batch;
    if (pending.size() <= MAX_BATCH) {
      batch = pending;
      pending = new ArrayList<>();
    } else {
      batch = new ArrayList<>(pending.subList(0, MAX_BATCH));
      pending.subList(0, MAX_BATCH).clear();
    }
    writing = true;
    store
        .endAttempts(batch, clock.instant())
        .onComplete(
            written -> {
              if (written.succeeded()) {
                outageLog.succeeded();
                metrics.outcomesRejected(batch.size() - written.result().written());
                answerReported(batch, written.result().tokens());
                writing = false;
                onWritten.run();
                if (!pending.isEmpty()) {
                  write();
                } else {
                  idleWaiters.forEach(Promise::complete);
                  idleWaiters.clear();
                }
              } else {
                outageLog.failed(written.cause());
                pending.addAll(0, batch);
                vertx.setTimer(retryInterval.toMillis(), id -> write());
              }
            });
  }
}
