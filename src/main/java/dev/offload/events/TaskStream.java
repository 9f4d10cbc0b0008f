package dev.offload.events;

import dev.offload.store.TaskFilter.HeavyFields;
import dev.offload.task.Task;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * The stream of one task ({@code GET /tasks/{id}/events}): its state first, then each change, and
 * the end after the event that shows it final. An event that shows nothing new (the same state,
 * attempt, progress and cancel request as the last one written) is skipped, so repairs and
 * duplicates cost the client nothing. With heavy fields asked for, each event reads the whole task
 * first ({@code read}), in order.
 */
final class TaskStream extends EventStream {

  final UUID taskId;
  private final HeavyFields fields;
  private final Function<UUID, Future<Task>> read;
  private Future<Void> writing = Future.succeededFuture();
  private boolean started;
  private TaskEvent early;
  private Task last;

  TaskStream(
      HttpServerResponse response,
      UUID taskId,
      HeavyFields fields,
      Function<UUID, Future<Task>> read) {
    super(response);
    this.taskId = taskId;
    this.fields = fields;
    this.read = read;
  }

  /** The task's state as read when the stream opened; then any event that came meanwhile. */
  void start(long eventId, Task current) {
    started = true;
    offer(eventId, current);
    if (early != null) {
      offer(early.id(), early.task());
      early = null;
    }
  }

  void offer(TaskEvent event) {
    if (!started) {
      early = event; // the newest only: each event holds the whole state
      return;
    }
    offer(event.id(), event.task());
  }

  private void offer(long eventId, Task task) {
    if (isClosed() || sameAsLast(task)) {
      return;
    }
    last = task;
    boolean light = !fields.args() && !fields.result() && !fields.errors();
    if (light) {
      writeEvent(eventId, task);
      return;
    }
    writing =
        writing.compose(
            ignored ->
                read.apply(taskId)
                    .<Void>map(
                        whole -> {
                          writeEvent(eventId, whole == null ? task : whole);
                          return null;
                        })
                    .otherwiseEmpty());
  }

  private void writeEvent(long eventId, Task task) {
    if (write(EventFrames.task(eventId, TaskEventJson.with(task, fields)))
        && task.state().isFinal()) {
      close(false);
    }
  }

  private boolean sameAsLast(Task task) {
    return last != null
        && last.state() == task.state()
        && last.attempt() == task.attempt()
        && Objects.equals(last.progress(), task.progress())
        && Objects.equals(last.cancelRequestedAt(), task.cancelRequestedAt());
  }
}
