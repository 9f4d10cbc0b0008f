package dev.offload.task.handlers;

import dev.offload.task.AsyncTaskHandler;
import dev.offload.task.TaskContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Does nothing and completes: measures the cost of the task machinery itself (claims, hand-over,
 * outcome writes). It has nothing to block on, so it is asynchronous and holds no worker verticle.
 */
public final class NoopHandler implements AsyncTaskHandler {

  @Override
  public String kind() {
    return "noop";
  }

  @Override
  public Future<Object> start(TaskContext context, Vertx vertx) {
    return Future.succeededFuture();
  }
}
