package dev.offload.task.handlers;

import dev.offload.task.TaskContext;
import dev.offload.task.TaskHandler;

/** Does nothing and completes: measures the cost of the task machinery itself. */
public final class NoopHandler implements TaskHandler {

  @Override
  public String kind() {
    return "noop";
  }

  @Override
  public Object run(TaskContext context) {
    return null;
  }
}
