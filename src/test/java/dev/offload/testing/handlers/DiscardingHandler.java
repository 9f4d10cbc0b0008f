package dev.offload.testing.handlers;

import dev.offload.task.DiscardTaskException;
import dev.offload.task.TaskContext;
import dev.offload.task.TaskHandler;

/** {@code test.discard}: gives up on the first attempt, for good. */
public final class DiscardingHandler implements TaskHandler {

  @Override
  public String kind() {
    return "test.discard";
  }

  @Override
  public Object run(TaskContext context) {
    throw new DiscardTaskException("input can never work");
  }
}
