package dev.offload.task;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A handler that does not block: its attempt runs on an event loop and completes a {@link Future},
 * holding no worker thread while it waits (e.g. on an HTTP call), so a node runs many of them at
 * once ({@code worker.async_concurrency}). It must never block; list it in {@code
 * META-INF/services} like any {@link TaskHandler}.
 */
public interface AsyncTaskHandler extends TaskHandler {

  /**
   * Starts one attempt on an event loop. The future's value is the result (any JSON value or null);
   * failing it fails the attempt (retried until {@code max_attempts}), with {@link
   * DiscardTaskException} for good. {@link TaskContext#isStopRequested()} turns true on timeout or
   * cancel; stop what is under way then.
   */
  Future<Object> start(TaskContext context, Vertx vertx);

  /** Asynchronous handlers never run on a worker thread. */
  @Override
  default Object run(TaskContext context) {
    throw new UnsupportedOperationException(kind() + " is asynchronous: use start()");
  }
}
