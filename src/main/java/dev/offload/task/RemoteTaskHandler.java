package dev.offload.task;

/**
 * A kind that remote workers run (docs/workers.md): its tasks go to the {@link Lane#REMOTE} lane,
 * and no code of this node runs them. It checks a submission's args like any handler.
 */
public interface RemoteTaskHandler extends TaskHandler {

  /** Remote kinds never run in this process. */
  @Override
  default Object run(TaskContext context) {
    throw new UnsupportedOperationException(kind() + " runs in remote workers");
  }
}
