package dev.offload.store;

import dev.offload.task.TaskState;
import java.util.UUID;

/**
 * A page request of the task list; null fields match anything, {@code after} null is the first
 * page. {@code fields} says which of the heavy fields the page carries; {@code created} bounds the
 * creation time; {@code text}, if set, makes it a bounded search (see {@link TaskStore#search}).
 */
public record TaskFilter(
    TaskState state,
    String kind,
    String queue,
    UUID after,
    int limit,
    HeavyFields fields,
    CreatedRange created,
    String text) {

  public TaskFilter(TaskState state, String kind, String queue, UUID after, int limit) {
    this(state, kind, queue, after, limit, HeavyFields.NONE, CreatedRange.ANY, null);
  }

  /**
   * The fields of a task that can be large: its args and result (each up to {@code
   * tasks.payload_limit}) and its errors (one per attempt). A list carries them only when asked.
   */
  public record HeavyFields(boolean args, boolean result, boolean errors) {

    public static final HeavyFields NONE = new HeavyFields(false, false, false);
  }
}
