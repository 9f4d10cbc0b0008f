package dev.offload.metrics;

import dev.offload.store.QueueBacklog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tasks waiting in each queue: {@code offload_queue_depth{queue}}, how many are due, and {@code
 * offload_queue_oldest_waiting_age_seconds{queue}}, since when the oldest of them has been due. A
 * scrape reads the figures of the node's last count ({@link #update}, every {@code
 * metrics.queue_interval}), never the database. Every node counts every queue, so the nodes' series
 * show the same figures: aggregate them with {@code max}, not {@code sum}. A queue, once seen,
 * keeps its series, at 0 while it is empty; queues beyond the node's cap share the series {@value
 * LabelValues#OTHER}. Thread-safe.
 */
final class QueueGauges {

  private static final Waiting EMPTY = new Waiting();

  private final MeterRegistry registry;
  private final LabelValues queues;

  /** By queue label; the gauges read these. */
  private final Map<String, Waiting> byQueue = new HashMap<>();

  QueueGauges(MeterRegistry registry, LabelValues queues) {
    this.registry = registry;
    this.queues = queues;
  }

  /** The figures of a count made at {@code now}. */
  synchronized void update(List<QueueBacklog> backlog, Instant now) {
    // Summed up first, then set: a scrape meanwhile sees the last count's figures, never zeros.
    Map<String, Waiting> counted = new HashMap<>();
    for (QueueBacklog queue : backlog) {
      counted
          .computeIfAbsent(queues.of(queue.queue()), ignored -> new Waiting())
          .add(queue.due(), Duration.between(queue.oldestDueAt(), now));
    }
    counted.keySet().forEach(queue -> byQueue.computeIfAbsent(queue, this::register));
    byQueue.forEach((queue, shown) -> shown.set(counted.getOrDefault(queue, EMPTY)));
  }

  private Waiting register(String queue) {
    Waiting waiting = new Waiting();
    Gauge.builder("offload.queue.depth", waiting, Waiting::depth)
        .description("Tasks due and waiting in the queue, as of the node's last count")
        .tag("queue", queue)
        .register(registry);
    Gauge.builder("offload.queue.oldest.waiting.age", waiting, Waiting::oldestAgeSeconds)
        .description(
            "How long the queue's oldest waiting task has been due, as of the node's last count")
        .baseUnit("seconds")
        .tag("queue", queue)
        .register(registry);
    return waiting;
  }

  /** One queue label's figures; several queues add up under LabelValues.OTHER. */
  private static final class Waiting {
    private volatile long depth;
    private volatile double oldestAgeSeconds;

    void add(long due, Duration oldestAge) {
      depth += due;
      oldestAgeSeconds = Math.max(oldestAgeSeconds, Math.max(0, oldestAge.toMillis() / 1000.0));
    }

    void set(Waiting counted) {
      depth = counted.depth;
      oldestAgeSeconds = counted.oldestAgeSeconds;
    }

    double depth() {
      return depth;
    }

    double oldestAgeSeconds() {
      return oldestAgeSeconds;
    }
  }
}
