package dev.offload.store;

import dev.offload.task.TaskState;
import java.util.UUID;

/**
 * A page request of the task list; null fields match anything, {@code after} null is the first
 * page.
 */
public record TaskFilter(TaskState state, String kind, String queue, UUID after, int limit) {}
