package dev.offload.metrics;

import dev.offload.task.TaskState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/** The meters of the task machinery, next to the HTTP and Vert.x meters in the same registry. */
public final class TaskMetrics {

  private final Counter submitted;
  private final Counter started;
  private final Map<TaskState, Counter> ended = new EnumMap<>(TaskState.class);
  private final Counter outcomesRejected;
  private volatile Supplier<Number> running = () -> 0;
  private volatile Supplier<Number> idleWorkers = () -> 0;

  public TaskMetrics(MeterRegistry registry) {
    this.submitted =
        Counter.builder("offload.tasks.submitted")
            .description("Tasks accepted by this node's HTTP API")
            .register(registry);
    this.started =
        Counter.builder("offload.attempts.started")
            .description("Attempts started on this node, on worker verticles and on its event loop")
            .register(registry);
    for (TaskState state :
        new TaskState[] {
          TaskState.COMPLETED, TaskState.RETRYABLE, TaskState.DISCARDED, TaskState.CANCELLED
        }) {
      ended.put(
          state,
          Counter.builder("offload.attempts.ended")
              .description("Attempts ended on this node, by the next state their outcome asked for")
              .tag("state", state.wireName())
              .register(registry));
    }
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

  public void submitted(int tasks) {
    submitted.increment(tasks);
  }

  public void started() {
    started.increment();
  }

  public void ended(TaskState state) {
    Counter counter = ended.get(state);
    if (counter != null) {
      counter.increment();
    }
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
}
