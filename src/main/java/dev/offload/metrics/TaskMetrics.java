package dev.offload.metrics;

import dev.offload.store.QueueBacklog;
import dev.offload.task.Task;
import dev.offload.task.TaskState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The meters of the task machinery, next to the HTTP and Vert.x meters in the same registry. The
 * task counters are labelled by kind and queue: at most {@value #MAX_LABEL_VALUES} kinds and as
 * many queues per node, the rest counted under {@link LabelValues#OTHER}. Thread-safe: the HTTP
 * verticles count submissions, the dispatcher attempts.
 */
public final class TaskMetrics {

  /** Distinct kinds, and distinct queues, that get series of their own on one node. */
  static final int MAX_LABEL_VALUES = 100;

  private static final TaskState[] END_STATES = {
    TaskState.COMPLETED, TaskState.RETRYABLE, TaskState.DISCARDED, TaskState.CANCELLED
  };

  private final MeterRegistry registry;
  private final LabelValues kinds = new LabelValues(MAX_LABEL_VALUES);
  private final LabelValues queues = new LabelValues(MAX_LABEL_VALUES);
  private final QueueGauges queueGauges;
  private final ThroughputSteps steps;

  /** By kind label, then queue label. */
  private final Map<String, Map<String, TaskCounters>> counters = new ConcurrentHashMap<>();

  private final Counter outcomesRejected;
  private volatile Supplier<Number> running = () -> 0;
  private volatile Supplier<Number> idleWorkers = () -> 0;

  public TaskMetrics(MeterRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  /**
   * @param clock the node's, which dates the throughput steps
   */
  public TaskMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.steps = new ThroughputSteps(clock);
    this.queueGauges = new QueueGauges(registry, queues);
    this.outcomesRejected =
        Counter.builder("offload.attempt.outcomes.rejected")
            .description(
                "Attempt outcomes that the database did not take because the attempt was no longer"
                    + " current: its lease had expired and the task was rescued, or an earlier try of"
                    + " the same write had been committed")
            .register(registry);
    Gauge.builder("offload.attempts.running", () -> running.get())
        .description("Attempts running on this node")
        .register(registry);
    Gauge.builder("offload.workers.idle", () -> idleWorkers.get())
        .description("Worker verticles waiting for an attempt")
        .register(registry);
  }

  /** A task of {@code kind} in {@code queue} accepted by this node's API. */
  public void submitted(String kind, String queue) {
    countersOf(kind, queue).submitted.increment();
    steps.submitted();
  }

  public void started(Task task) {
    countersOf(task.kind(), task.queue()).started.increment();
    if (task.attemptedAt() != null && task.scheduledAt() != null) {
      steps.started(Duration.between(task.scheduledAt(), task.attemptedAt()).toNanos() / 1e6);
    }
  }

  /** An attempt of {@code task} ended, its outcome asking for {@code state}. */
  public void ended(Task task, TaskState state) {
    Counter counter = countersOf(task.kind(), task.queue()).ended.get(state);
    if (counter != null) {
      counter.increment();
    }
    if (state == TaskState.COMPLETED) {
      steps.completed();
    } else if (state == TaskState.RETRYABLE || state == TaskState.DISCARDED) {
      steps.failed();
    }
  }

  /** This node's throughput by step, for the series of {@code GET /stats/series}. */
  public ThroughputSteps steps() {
    return steps;
  }

  /** Outcomes of attempts that were no longer current when written: nothing was changed. */
  public void outcomesRejected(int outcomes) {
    if (outcomes > 0) {
      outcomesRejected.increment(outcomes);
    }
  }

  /**
   * What the gauges read on each scrape: attempts running and worker verticles idle on this node.
   */
  public void watch(Supplier<Number> running, Supplier<Number> idleWorkers) {
    this.running = running;
    this.idleWorkers = idleWorkers;
  }

  /** The waiting tasks of each queue, as counted at {@code now}: see {@link QueueGauges}. */
  public void queuesCounted(List<QueueBacklog> backlog, Instant now) {
    queueGauges.update(backlog, now);
  }

  private TaskCounters countersOf(String kind, String queue) {
    String kindLabel = kinds.of(kind);
    String queueLabel = queues.of(queue);
    Map<String, TaskCounters> byQueue =
        counters.computeIfAbsent(kindLabel, ignored -> new ConcurrentHashMap<>());
    TaskCounters known = byQueue.get(queueLabel); // without the lambda computeIfAbsent allocates
    return known != null
        ? known
        : byQueue.computeIfAbsent(queueLabel, ignored -> new TaskCounters(kindLabel, queueLabel));
  }

  /** The counters of one kind in one queue. */
  private final class TaskCounters {
    final Counter submitted;
    final Counter started;
    final Map<TaskState, Counter> ended = new EnumMap<>(TaskState.class);

    TaskCounters(String kind, String queue) {
      submitted =
          Counter.builder("offload.tasks.submitted")
              .description("Tasks accepted by this node's HTTP API")
              .tag("kind", kind)
              .tag("queue", queue)
              .register(registry);
      started =
          Counter.builder("offload.attempts.started")
              .description(
                  "Attempts started on this node, on worker verticles and on its event loop")
              .tag("kind", kind)
              .tag("queue", queue)
              .register(registry);
      for (TaskState state : END_STATES) {
        ended.put(
            state,
            Counter.builder("offload.attempts.ended")
                .description(
                    "Attempts ended on this node, by the next state their outcome asked for")
                .tag("kind", kind)
                .tag("queue", queue)
                .tag("state", state.wireName())
                .register(registry));
      }
    }
  }
}
