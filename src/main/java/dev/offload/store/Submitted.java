package dev.offload.store;

import dev.offload.task.Task;

/**
 * A submitted task, and whether this submission created it (false: its unique key named an existing
 * one).
 */
public record Submitted(Task task, boolean created) {}
