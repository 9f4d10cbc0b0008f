package dev.offload.testing.handlers;

import dev.offload.task.TaskContext;
import dev.offload.task.TaskHandler;

/**
 * {@code test.fail}: fails every attempt until {@code args.succeed_on_attempt} (never, if absent).
 */
public final class FailingHandler implements TaskHandler {

  @Override
  public String kind() {
    return "test.fail";
  }

  @Override
  public Object run(TaskContext context) {
    int succeedOn = context.args().getInteger("succeed_on_attempt", Integer.MAX_VALUE);
    if (context.attempt() < succeedOn) {
      throw new IllegalStateException("planned failure on attempt " + context.attempt());
    }
    return "succeeded on attempt " + context.attempt();
  }
}
