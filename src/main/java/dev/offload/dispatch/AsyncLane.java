package dev.offload.dispatch;

import dev.offload.metrics.TaskMetrics;
import dev.offload.support.LogFields;
import dev.offload.task.AsyncTaskHandler;
import dev.offload.task.AttemptOutcome;
import dev.offload.task.RunningAttempt;
import dev.offload.task.Task;
import dev.offload.task.TaskHandlers;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.BiConsumer;

/**
 * The asynchronous lane: each claimed task's handler is started on this event loop, where it holds
 * no thread while it waits, and its outcome is brought back here. Confined to the dispatcher's
 * event loop.
 */
final class AsyncLane {

  private final Context context;
  private final TaskHandlers handlers;
  private final InFlightAttempts inFlight;
  private final TaskMetrics metrics;
  private final BiConsumer<InFlightAttempts.InFlight, AttemptOutcome> onOutcome;
  private final Runnable onFree;
  private int running;

  /**
   * @param onOutcome how a current attempt ended
   * @param onFree called when an attempt has left the lane
   */
  AsyncLane(
      Context context,
      TaskHandlers handlers,
      InFlightAttempts inFlight,
      TaskMetrics metrics,
      BiConsumer<InFlightAttempts.InFlight, AttemptOutcome> onOutcome,
      Runnable onFree) {
    this.context = context;
    this.handlers = handlers;
    this.inFlight = inFlight;
    this.metrics = metrics;
    this.onOutcome = onOutcome;
    this.onFree = onFree;
  }

  /** Attempts started here whose handler has not finished yet. */
  int running() {
    return running;
  }

  void start(Task task) {
    RunningAttempt attempt = new RunningAttempt(task);
    inFlight.add(attempt);
    running++;
    metrics.started(task);
    AttemptLog.started(task);
    // What the handler logs as it starts carries the task's fields; its later callbacks' lines do
    // not: the event loop runs other attempts meanwhile.
    Future<Object> result = LogFields.task(task.id(), task.kind()).get(() -> startHandler(attempt));
    result.onComplete(
        done -> {
          // A handler may complete its future on another thread; the bookkeeping stays on this
          // event loop.
          if (Vertx.currentContext() == context) {
            finished(task, attempt, done);
          } else {
            context.runOnContext(ignored -> finished(task, attempt, done));
          }
        });
  }

  private Future<Object> startHandler(RunningAttempt attempt) {
    try {
      return ((AsyncTaskHandler) handlers.find(attempt.task().kind()).orElseThrow())
          .start(attempt, context.owner());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void finished(Task task, RunningAttempt attempt, AsyncResult<Object> done) {
    running--; // its slot is free, whether its outcome still counts or not
    InFlightAttempts.InFlight current = inFlight.get(task.id());
    // A timed-out attempt may finish after its task's next attempt started here: that one owns the
    // entry.
    if (current != null && current.attempt == attempt) {
      inFlight.remove(task.id());
      if (!current.ended) {
        onOutcome.accept(
            current,
            done.succeeded()
                ? AttemptOutcome.ofResult(done.result())
                : AttemptOutcome.ofFailure(done.cause(), attempt.stopReason()));
      }
    }
    onFree.run();
  }
}
