package dev.offload.events;

import dev.offload.task.Task;
import dev.offload.task.TaskState;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.Set;

/**
 * A stream of every task change that matches ({@code GET /events}): in {@code queue}, of {@code
 * kind} (null: any), in one of {@code states} (empty: any). While it replays what its client
 * missed, live events wait in a queue of at most {@value #MAX_WAITING}; more, and the client is
 * dropped like a slow one.
 */
final class FilteredStream extends EventStream {

  static final int MAX_WAITING = 1_000;

  final String queue;
  final String kind;
  final Set<TaskState> states;
  private ArrayDeque<TaskEvent> waiting;

  FilteredStream(HttpServerResponse response, String queue, String kind, Set<TaskState> states) {
    super(response);
    this.queue = queue;
    this.kind = kind;
    this.states = Set.copyOf(states);
  }

  boolean matches(Task task) {
    return (queue == null || queue.equals(task.queue()))
        && (kind == null || kind.equals(task.kind()))
        && (states.isEmpty() || states.contains(task.state()));
  }

  void offer(TaskEvent event) {
    if (!matches(event.task())) {
      return;
    }
    if (waiting == null) {
      write(event.frame());
    } else if (waiting.size() < MAX_WAITING) {
      waiting.add(event);
    } else {
      close(true);
    }
  }

  boolean isReplaying() {
    return waiting != null;
  }

  /** Live events wait from now until {@link #live()}. */
  void replaying() {
    waiting = new ArrayDeque<>();
  }

  /** The replay is over: the events that waited, then live ones as they come. */
  void live() {
    ArrayDeque<TaskEvent> queued = waiting;
    waiting = null;
    if (queued != null) {
      queued.forEach(event -> write(event.frame()));
    }
  }
}
