package dev.offload.testing.handlers;

import dev.offload.task.AsyncTaskHandler;
import dev.offload.task.TaskContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * {@code test.async}: waits {@code args.delay_ms} on a timer, holding no thread, then completes
 * with "waited", or fails if {@code args.fail}. A stop request cancels the timer and fails the
 * attempt at once.
 */
public final class AsyncTimerHandler implements AsyncTaskHandler {

  @Override
  public String kind() {
    return "test.async";
  }

  @Override
  public Future<Object> start(TaskContext context, Vertx vertx) {
    Promise<Object> done = Promise.promise();
    long timer =
        vertx.setTimer(
            Math.max(1, context.args().getLong("delay_ms", 1L)),
            id -> {
              if (context.args().getBoolean("fail", false)) {
                done.tryFail("planned asynchronous failure");
              } else {
                done.tryComplete("waited");
              }
            });
    context.onStopRequested(
        () -> {
          vertx.cancelTimer(timer);
          done.tryFail("stopped");
        });
    return done.future();
  }
}
