package dev.offload.task;

import io.vertx.core.json.JsonObject;

/**
 * The code that runs one kind of task. Handlers are found with {@link java.util.ServiceLoader}:
 * list the class in {@code META-INF/services/dev.offload.task.TaskHandler}. {@link #run} runs on a
 * worker thread of a worker verticle and may block; a handler that does not block implements {@link
 * AsyncTaskHandler} instead.
 */
public interface TaskHandler {

  /** The name clients submit, e.g. {@code sleep}. */
  String kind();

  /**
   * Checks a submission's args before the task is accepted.
   *
   * @throws IllegalArgumentException with a message for the client when the args are wrong
   */
  default void validate(JsonObject args) {}

  /**
   * Runs one attempt. Returns the result, any JSON value or null. Throwing fails the attempt, which
   * is retried with backoff until {@code max_attempts}; throw {@link DiscardTaskException} to stop
   * at once.
   */
  Object run(TaskContext context) throws Exception;
}
