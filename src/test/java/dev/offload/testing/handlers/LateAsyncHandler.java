package dev.offload.testing.handlers;

import dev.offload.task.AsyncTaskHandler;
import dev.offload.task.TaskContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * {@code test.async.late}: attempt 1 ignores its stop request and finishes only when the test calls
 * {@link #finishFirst}, on the test's thread; later attempts complete at once. So a timed-out
 * attempt can finish after its task's next attempt has run on the same node.
 */
public final class LateAsyncHandler implements AsyncTaskHandler {

  private static volatile Promise<Object> first = Promise.promise();

  public static void reset() {
    first = Promise.promise();
  }

  public static void finishFirst() {
    first.tryComplete("finished late");
  }

  @Override
  public String kind() {
    return "test.async.late";
  }

  @Override
  public Future<Object> start(TaskContext context, Vertx vertx) {
    return context.attempt() == 1
        ? first.future()
        : Future.succeededFuture("done on attempt " + context.attempt());
  }
}
