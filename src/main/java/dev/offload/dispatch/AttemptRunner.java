package dev.offload.dispatch;

import dev.offload.config.OffloadConfig;
import dev.offload.metrics.TaskMetrics;
import dev.offload.store.AttemptStore;
import dev.offload.support.Durations;
import dev.offload.task.AttemptEnd;
import dev.offload.task.AttemptOutcome;
import dev.offload.task.Lane;
import dev.offload.task.NextState;
import dev.offload.task.RetryPolicy;
import dev.offload.task.RunningAttempt;
import dev.offload.task.Task;
import dev.offload.task.TaskHandlers;
import dev.offload.task.TaskState;
import dev.offload.tracing.AttemptTracing;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Runs the tasks this node claimed, each in its lane ({@link WorkerLane}, {@link AsyncLane}), and
 * keeps the table of attempts in flight: ends those past their timeout, passes cancel requests on,
 * and turns every outcome into its task's next state ({@link NextState}) for the {@link
 * AttemptEndWriter}. On shutdown it stops what still runs and hands those tasks back. Confined to
 * the dispatcher's event loop.
 */
final class AttemptRunner {

  private static final long TIMEOUT_SWEEP_MS = 50;

  private final Vertx vertx;
  private final AttemptStore store;
  private final String nodeId;
  private final Clock clock;
  private final RetryPolicy retryPolicy;
  private final TaskMetrics metrics;
  private final AttemptEndWriter endWriter;
  private final Consumer<Instant> onRetryAt;
  private final ClaimFloors floors;
  private final InFlightAttempts inFlight;
  private final WorkerLane workers;
  private final AsyncLane async;

  /**
   * @param onFree called when capacity may have been freed (a worker joined or replied, an async
   *     attempt ended)
   * @param onRetryAt called with the time a task that failed is due again
   */
  AttemptRunner(
      Context context,
      AttemptStore store,
      OffloadConfig config,
      Clock clock,
      TaskHandlers handlers,
      TaskMetrics metrics,
      AttemptTracing tracing,
      AttemptEndWriter endWriter,
      ClaimFloors floors,
      Runnable onFree,
      Consumer<Instant> onRetryAt) {
    this.vertx = context.owner();
    this.floors = floors;
    this.store = store;
    this.nodeId = config.nodeId();
    this.inFlight = new InFlightAttempts(tracing, nodeId);
    this.clock = clock;
    this.retryPolicy =
        new RetryPolicy(
            config.tasks().retryBase(),
            config.tasks().retryCap(),
            ThreadLocalRandom.current()::nextDouble);
    this.metrics = metrics;
    this.endWriter = endWriter;
    this.onRetryAt = onRetryAt;
    this.workers =
        new WorkerLane(
            vertx, inFlight, metrics, this::endWith, id -> handBack(List.of(id)), onFree);
    this.async = new AsyncLane(context, handlers, inFlight, metrics, this::endWith, onFree);
  }

  void start() {
    metrics.watch(inFlight::size, workers::idle);
    vertx.setPeriodic(TIMEOUT_SWEEP_MS, id -> sweepTimeouts());
  }

  int idleWorkers() {
    return workers.idle();
  }

  int asyncRunning() {
    return async.running();
  }

  long runningInQueue(String queue) {
    return inFlight.inQueue(queue);
  }

  Collection<RunningAttempt> running() {
    return inFlight.attempts();
  }

  void workerJoined(String worker) {
    workers.joined(worker);
  }

  void workerLeft(String worker) {
    workers.left(worker);
  }

  /** Starts a claimed task in its lane: on an idle worker verticle, or on this event loop. */
  void run(Task task) {
    if (task.lane() == Lane.ASYNC) {
      async.start(task);
    } else {
      workers.start(task);
    }
  }

  /**
   * Stops the attempt if it runs here. Its handler sees the request and its thread is interrupted;
   * the store then ends the task cancelled, unless the handler completed anyway.
   */
  void cancelRequested(UUID taskId) {
    inFlight.requestStop(taskId, "cancelled on request");
  }

  /** Completes when no attempt runs here any more, or after {@code grace}. */
  Future<Void> finished(Duration grace) {
    return inFlight.emptied(vertx, grace);
  }

  /**
   * Stops every attempt still running here and hands its task back: available again, the attempt
   * not counted.
   */
  Future<Integer> stopAll(String reason) {
    return handBack(inFlight.endAll(reason));
  }

  /**
   * Gives tasks claimed by this node back untouched: available again at once, the attempt not
   * counted. They keep their due time, which may be below the claims' floors: those are forgotten
   * once the tasks are back.
   */
  Future<Integer> handBack(List<UUID> taskIds) {
    return taskIds.isEmpty()
        ? Future.succeededFuture(0)
        : store.release(taskIds, nodeId).onComplete(released -> floors.forgetAll());
  }

  /**
   * Ends the attempts past their deadline. One sweep for all attempts, every {@value
   * #TIMEOUT_SWEEP_MS} ms, rather than a timer set and cancelled per attempt: at thousands of
   * attempts a second, that adds up.
   */
  private void sweepTimeouts() {
    inFlight
        .late(System.nanoTime())
        .forEach(
            running -> {
              String reason =
                  "attempt timed out after " + Durations.format(running.attempt.task().timeout());
              running.ended = true;
              running.attempt.requestStop(reason);
              // A worker stays busy until its handler returns; the late outcome is ignored.
              endWith(running, AttemptOutcome.failed(reason));
            });
  }

  private void endWith(InFlightAttempts.InFlight running, AttemptOutcome outcome) {
    Task task = running.attempt.task();
    AttemptEnd end = NextState.after(task, outcome, clock.instant(), retryPolicy);
    running.span.ended(outcome, end.state());
    if (end.state() == TaskState.RETRYABLE) {
      onRetryAt.accept(end.retryAt());
    }
    metrics.ended(task, end.state());
    AttemptLog.ended(task, outcome, end);
    endWriter.add(end);
  }
}
