package dev.offload.store;

import dev.offload.task.Task;
import java.util.List;
import java.util.UUID;

/**
 * One page of tasks, newest first; {@code next} is the cursor of the following page, null on the
 * last.
 */
public record TaskPage(List<Task> tasks, UUID next) {}
