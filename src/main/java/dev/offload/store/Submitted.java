package dev.offload.store;

import dev.offload.task.Task;

/**
 * A submitted task, and whether this submission created it (false: its unique key named an existing
 * one), and whether the request that took that key was this one ({@code sameRequest}: true also
 * when either has no fingerprint).
 */
public record Submitted(Task task, boolean created, boolean sameRequest) {

  public Submitted(Task task, boolean created) {
    this(task, created, true);
  }
}
