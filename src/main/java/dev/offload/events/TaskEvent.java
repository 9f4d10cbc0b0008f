package dev.offload.events;

import dev.offload.task.Task;
import io.vertx.core.buffer.Buffer;

/**
 * One task as it is after a change: its event id (a time-based cursor, see {@link EventIds}), the
 * task with light fields only, and the event as written on a stream ({@code frame}), encoded once
 * for all the streams that get it.
 */
record TaskEvent(long id, Task task, Buffer frame) {

  static TaskEvent of(long id, Task task) {
    return new TaskEvent(id, task, EventFrames.task(id, TaskEventJson.light(task)));
  }
}
