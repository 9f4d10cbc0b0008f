package dev.offload.task;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a task's attempts run, fixed when it is submitted: {@link #BLOCKING} on a worker verticle's
 * thread, {@link #ASYNC} on an event loop, {@link #REMOTE} in a remote worker (docs/workers.md). A
 * node claims each lane for its own kind of free capacity (idle workers, free asynchronous slots,
 * remote workers waiting for attempts), so the lane is stored with the task and leads the claim
 * index.
 */
public enum Lane {
  BLOCKING,
  ASYNC,
  REMOTE;

  /**
   * The lane of {@code handler}'s tasks: asynchronous handlers hold no thread while they wait;
   * remote kinds run in remote workers.
   */
  public static Lane of(TaskHandler handler) {
    if (handler instanceof RemoteTaskHandler) {
      return REMOTE;
    }
    return handler instanceof AsyncTaskHandler ? ASYNC : BLOCKING;
  }

  /** As stored in the {@code lane} column. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Lane> fromWireName(String name) {
    return Arrays.stream(values()).filter(lane -> lane.wireName().equals(name)).findFirst();
  }
}
