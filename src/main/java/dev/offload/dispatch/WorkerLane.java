package dev.offload.dispatch;

import dev.offload.metrics.TaskMetrics;
import dev.offload.task.AttemptOutcome;
import dev.offload.task.RunningAttempt;
import dev.offload.task.Task;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The blocking lane: this node's idle worker verticles, and each claimed task handed over to one of
 * them over the event bus. A worker is idle once it has announced itself, and again once it has
 * replied. Confined to the dispatcher's event loop.
 */
final class WorkerLane {

  /** Attempts end by the timeout sweep, never by an event-bus timeout. */
  private static final DeliveryOptions NO_SEND_TIMEOUT =
      new DeliveryOptions().setSendTimeout(Long.MAX_VALUE);

  private final Vertx vertx;
  private final InFlightAttempts inFlight;
  private final TaskMetrics metrics;
  private final BiConsumer<InFlightAttempts.InFlight, AttemptOutcome> onOutcome;
  private final Consumer<UUID> handBack;
  private final Runnable onFree;
  private final Deque<String> idle = new ArrayDeque<>();

  /**
   * @param onOutcome how a current attempt ended
   * @param handBack gives back a task whose attempt never started
   * @param onFree called when a worker may have become idle
   */
  WorkerLane(
      Vertx vertx,
      InFlightAttempts inFlight,
      TaskMetrics metrics,
      BiConsumer<InFlightAttempts.InFlight, AttemptOutcome> onOutcome,
      Consumer<UUID> handBack,
      Runnable onFree) {
    this.vertx = vertx;
    this.inFlight = inFlight;
    this.metrics = metrics;
    this.onOutcome = onOutcome;
    this.handBack = handBack;
    this.onFree = onFree;
  }

  int idle() {
    return idle.size();
  }

  void joined(String worker) {
    idle.add(worker);
    onFree.run();
  }

  void left(String worker) {
    idle.remove(worker);
  }

  void start(Task task) {
    String worker = idle.poll();
    if (worker == null) { // the worker left between the claim and now: give the task back untouched
      handBack.accept(task.id());
      return;
    }
    RunningAttempt attempt = new RunningAttempt(task);
    inFlight.add(attempt);
    metrics.started(task);
    AttemptLog.started(task);
    vertx
        .eventBus()
        .<AttemptOutcome>request(worker, attempt, NO_SEND_TIMEOUT)
        .onComplete(reply -> replied(task, worker, reply));
  }

  private void replied(Task task, String worker, AsyncResult<Message<AttemptOutcome>> reply) {
    InFlightAttempts.InFlight running = inFlight.get(task.id());
    // A timed-out attempt may return after the task's next attempt started here: the entry is then
    // the newer attempt's, and the late one's end was already written when it timed out.
    boolean current = running != null && running.attempt.task() == task;
    if (current) {
      inFlight.remove(task.id());
    }
    if (reply.failed()
        && reply.cause() instanceof ReplyException e
        && e.failureType() == ReplyFailure.NO_HANDLERS) {
      // The worker was undeployed before it saw the attempt: nothing ran, so hand the task back.
      if (current) {
        running.span.handedBack("its worker verticle was undeployed before the attempt reached it");
        handBack.accept(task.id());
      }
      onFree.run();
      return;
    }
    idle.add(worker);
    if (current && !running.ended) {
      onOutcome.accept(
          running,
          reply.succeeded()
              ? reply.result().body()
              : AttemptOutcome.failed("worker failed: " + reply.cause().getMessage()));
    }
    onFree.run();
  }
}
