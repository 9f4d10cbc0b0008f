package dev.offload.events;

import dev.offload.store.TaskEventStore;
import dev.offload.task.Task;
import dev.offload.task.TaskState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The open event streams of one HTTP verticle, on its event loop: takes the hub's events and writes
 * each to the streams it matches (task streams by id, filtered streams by their filter), writes the
 * keep-alive comments, and repairs. An idle stream costs its connection and a small object: no
 * timer, no database listener of its own.
 *
 * <p>Repairs: every {@value #KEEP_ALIVE_MS} ms, and whenever the hub asks, one statement reads the
 * tasks of all the task streams and writes those that changed unseen; on the hub's asking, the
 * filtered streams also get the tasks made final since the gap. A reconnect with {@code
 * Last-Event-ID} replays the tasks finalized since that id (less {@link TaskEventHub#MARGIN}), at
 * most {@value #MAX_REPLAY} and from at most {@link #REPLAY_WINDOW} ago; beyond that the stream
 * sends a {@code reset} event instead.
 */
public final class EventStreams {

  static final long KEEP_ALIVE_MS = 15_000;
  static final int MAX_REPLAY = 10_000;
  static final Duration REPLAY_WINDOW = Duration.ofHours(1);
  private static final int REPLAY_PAGE = 500;
  private static final Set<TaskState> FINAL =
      EnumSet.of(TaskState.COMPLETED, TaskState.CANCELLED, TaskState.DISCARDED);

  private final TaskEventHub hub;
  private final TaskEventStore store;
  private final Clock clock;
  private final Map<UUID, List<TaskStream>> byTask = new HashMap<>();
  private final Set<FilteredStream> filtered = new LinkedHashSet<>();

  public EventStreams(Vertx vertx, TaskEventHub hub, TaskEventStore store, Clock clock) {
    this.hub = hub;
    this.store = store;
    this.clock = clock;
    vertx.eventBus().<TaskEvents>localConsumer(TaskEventHub.ADDRESS, m -> deliver(m.body()));
    vertx.eventBus().<Long>localConsumer(TaskEventHub.REPAIR_ADDRESS, m -> repair(m.body()));
    vertx.setPeriodic(KEEP_ALIVE_MS, id -> keepAlive());
  }

  void add(TaskStream stream) {
    byTask.computeIfAbsent(stream.taskId, id -> new ArrayList<>(1)).add(stream);
    hub.subscribe();
    stream.onClosed(
        () -> {
          hub.unsubscribe();
          List<TaskStream> streams = byTask.get(stream.taskId);
          if (streams != null && streams.remove(stream) && streams.isEmpty()) {
            byTask.remove(stream.taskId);
          }
        });
  }

  void add(FilteredStream stream) {
    filtered.add(stream);
    hub.subscribe();
    stream.onClosed(
        () -> {
          hub.unsubscribe();
          filtered.remove(stream);
        });
  }

  /**
   * Ends every stream, for a verticle that stops: a stream never ends by itself, and a server
   * shutting down waits for the requests in progress until its grace runs out.
   */
  public void closeAll() {
    for (List<TaskStream> streams : List.copyOf(byTask.values())) {
      List.copyOf(streams).forEach(stream -> stream.close(false));
    }
    List.copyOf(filtered).forEach(stream -> stream.close(false));
  }

  private void deliver(TaskEvents events) {
    for (TaskEvent event : events.events()) {
      List<TaskStream> streams = byTask.get(event.task().id());
      if (streams != null) {
        List.copyOf(streams).forEach(stream -> stream.offer(event));
      }
    }
    if (!filtered.isEmpty()) {
      for (FilteredStream stream : List.copyOf(filtered)) {
        for (TaskEvent event : events.events()) {
          stream.offer(event);
        }
      }
    }
  }

  private void keepAlive() {
    for (List<TaskStream> streams : List.copyOf(byTask.values())) {
      List.copyOf(streams).forEach(stream -> stream.write(EventFrames.KEEP_ALIVE));
    }
    List.copyOf(filtered).forEach(stream -> stream.write(EventFrames.KEEP_ALIVE));
    lookAgain();
  }

  /** Reads the tasks of all task streams, and writes what they have not shown yet. */
  private void lookAgain() {
    if (byTask.isEmpty()) {
      return;
    }
    store
        .tasks(List.copyOf(byTask.keySet()))
        .onSuccess(
            tasks -> {
              long eventId = EventIds.micros(clock.instant());
              for (Task task : tasks) {
                List<TaskStream> streams = byTask.get(task.id());
                if (streams != null) {
                  TaskEvent event = TaskEvent.of(eventId, task);
                  List.copyOf(streams).forEach(stream -> stream.offer(event));
                }
              }
            });
  }

  private void repair(long sinceMicros) {
    lookAgain();
    Instant since = EventIds.instant(sinceMicros);
    for (FilteredStream stream : List.copyOf(filtered)) {
      replay(stream, since);
    }
  }

  /**
   * Writes the tasks finalized since {@code since} that match {@code stream}, page by page, each
   * page once the client has taken the last; live events wait meanwhile.
   */
  void replay(FilteredStream stream, Instant since) {
    if (stream.isReplaying()) {
      return; // the replay under way reads on up to now
    }
    Set<TaskState> states = EnumSet.copyOf(FINAL);
    if (!stream.states.isEmpty()) {
      states.retainAll(stream.states);
      if (states.isEmpty()) {
        return; // it asks for no final state: nothing to replay
      }
    }
    stream.replaying();
    page(stream, since, null, Set.copyOf(states), 0);
  }

  private void page(
      FilteredStream stream, Instant since, UUID afterId, Set<TaskState> states, int sent) {
    Future<List<Task>> read =
        store.finalsSince(since, afterId, stream.queue, stream.kind, states, REPLAY_PAGE);
    read.onComplete(
        done -> {
          if (stream.isClosed()) {
            return;
          }
          if (done.failed()) {
            stream.close(true); // its client reconnects and the replay starts again
            return;
          }
          List<Task> tasks = done.result();
          for (Task task : tasks) {
            Buffer frame =
                EventFrames.task(EventIds.micros(task.finalizedAt()), TaskEventJson.light(task));
            stream.response.write(frame);
          }
          int total = sent + tasks.size();
          if (tasks.size() < REPLAY_PAGE) {
            stream.live();
          } else if (total >= MAX_REPLAY) {
            stream.response.write(EventFrames.reset("more than " + MAX_REPLAY + " to replay"));
            stream.live();
          } else {
            Task last = tasks.get(tasks.size() - 1);
            Runnable next = () -> page(stream, last.finalizedAt(), last.id(), states, total);
            if (stream.response.writeQueueFull()) {
              stream.response.drainHandler(drained -> next.run());
            } else {
              next.run();
            }
          }
        });
  }

  /** The time a reconnect with this {@code Last-Event-ID} replays from; null: too long ago. */
  Instant replayFrom(Instant lastEventAt) {
    Instant since = lastEventAt.minus(TaskEventHub.MARGIN);
    return since.isBefore(clock.instant().minus(REPLAY_WINDOW)) ? null : since;
  }
}
