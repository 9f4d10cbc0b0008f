package dev.offload.events;

import dev.offload.task.Task;
import dev.offload.task.TaskState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What the hub last published of the most recently changed tasks, so that a task read twice in the
 * same state (a claim heard after the task had already completed, then its completion) makes one
 * event, not two. Remembers the last {@value #REMEMBERED} tasks, least recently changed forgotten
 * first. Event-loop confined.
 */
final class PublishedStates {

  private static final int REMEMBERED = 10_000;

  /** The fields whose change is an event. */
  private record Shown(TaskState state, int attempt, Double progress, Instant cancelRequestedAt) {

    static Shown of(Task task) {
      return new Shown(task.state(), task.attempt(), task.progress(), task.cancelRequestedAt());
    }
  }

  private final Map<UUID, Shown> last =
      new LinkedHashMap<>(1_024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Shown> eldest) {
          return size() > REMEMBERED;
        }
      };

  /** Whether {@code task} shows something its last published event did not; remembers it. */
  boolean changed(Task task) {
    Shown shown = Shown.of(task);
    return !Objects.equals(last.put(task.id(), shown), shown);
  }
}
