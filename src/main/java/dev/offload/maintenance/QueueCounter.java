package dev.offload.maintenance;

import dev.offload.metrics.TaskMetrics;
import dev.offload.store.AttemptStore;
import dev.offload.support.OutageLog;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Counts the due tasks of every queue for the queue gauges ({@link TaskMetrics#queuesCounted}): one
 * statement per {@code metrics.queue_interval} on each node, however often /metrics is scraped and
 * however many queues there are. A count still running when the next is due makes that one wait for
 * the following interval. While the database is away the gauges keep the last figures.
 */
final class QueueCounter {

  private final Vertx vertx;
  private final AttemptStore attempts;
  private final TaskMetrics metrics;
  private final Duration interval;
  private final Clock clock;
  private final OutageLog outageLog = new OutageLog("counting waiting tasks");
  private boolean counting;

  QueueCounter(
      Vertx vertx, AttemptStore attempts, TaskMetrics metrics, Duration interval, Clock clock) {
    this.vertx = vertx;
    this.attempts = attempts;
    this.metrics = metrics;
    this.interval = interval;
    this.clock = clock;
  }

  /** Counts now, then every interval; the timer ends with the verticle that calls this. */
  void start() {
    count();
    vertx.setPeriodic(interval.toMillis(), id -> count());
  }

  private void count() {
    if (counting) {
      return;
    }
    counting = true;
    Instant now = clock.instant();
    attempts
        .countDueByQueue(now)
        .onComplete(
            counted -> {
              counting = false;
              if (counted.succeeded()) {
                outageLog.succeeded();
                metrics.queuesCounted(counted.result(), now);
              } else {
                outageLog.failed(counted.cause());
              }
            });
  }
}
