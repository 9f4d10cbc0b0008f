package dev.offload.task;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where a task is in its life; docs/task-lifecycle.md draws the machine and says who moves it.
 * Stored and shown in lowercase.
 */
public enum TaskState {
  /** Waiting to be claimed now. */
  AVAILABLE,
  /** Waiting for its {@code scheduled_at} (submitted with a delay or run_at). */
  SCHEDULED,
  /** Claimed by a node, which holds a lease on it while an attempt runs. */
  RUNNING,
  /** An attempt failed; waits for its backoff to pass, then is claimed again. */
  RETRYABLE,
  /** The last attempt succeeded; final. */
  COMPLETED,
  /** Stopped on request; final. */
  CANCELLED,
  /** Failed its last allowed attempt, or was discarded by its handler; final. */
  DISCARDED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isFinal() {
    return this == COMPLETED || this == CANCELLED || this == DISCARDED;
  }

  public static Optional<TaskState> fromWireName(String name) {
    return Arrays.stream(values()).filter(state -> state.wireName().equals(name)).findFirst();
  }

  public static String wireNames() {
    return Arrays.stream(values()).map(TaskState::wireName).collect(Collectors.joining(", "));
  }
}
