package dev.offload.store;

import static dev.offload.store.TaskRows.timestamp;

import dev.offload.task.Task;
import dev.offload.task.TaskState;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What the event streams read: tasks as they are now, by id, and the tasks made final since a time.
 * Light fields only (no args, result nor errors): events carry those. One statement each.
 */
public final class TaskEventStore {

  /**
   * A task whose change is being told was finalized at most this long before: older history
   * partitions are not read.
   */
  private static final Duration RECENT = Duration.ofHours(1);

  private final Pool client;
  private final Clock clock;
  private final Duration retention;

  public TaskEventStore(Pool client, Clock clock, Duration retention) {
    this.client = client;
    this.clock = clock;
    this.retention = retention;
  }

  /** The tasks of {@code ids} that still exist, as they are now, light fields only. */
  public Future<List<Task>> tasks(Collection<UUID> ids) {
    return tasks(ids, clock.instant().minus(RECENT));
  }

  /**
   * {@link #tasks(Collection)} of tasks finalized, if at all, at or after {@code finalizedSince}.
   */
  public Future<List<Task>> tasks(Collection<UUID> ids, Instant finalizedSince) {
    return client
        .preparedQuery(EventSql.EVENT_TASKS)
        .execute(Tuple.of(ids.toArray(UUID[]::new), timestamp(finalizedSince)))
        .map(TaskRows::toTasks);
  }

  /**
   * Up to {@code limit} tasks finalized after ({@code since}, {@code afterId}), in that order, that
   * are in {@code queue} and of {@code kind} (null: any) and in one of {@code states} (empty: any).
   */
  public Future<List<Task>> finalsSince(
      Instant since, UUID afterId, String queue, String kind, Set<TaskState> states, int limit) {
    String[] stateNames =
        states.isEmpty()
            ? null
            : states.stream().map(TaskState::wireName).sorted().toArray(String[]::new);
    Tuple params =
        Tuple.of(
                timestamp(since),
                afterId == null ? new UUID(0, 0) : afterId,
                queue,
                kind,
                stateNames,
                limit)
            .addOffsetDateTime(timestamp(clock.instant().minus(retention)));
    return client.preparedQuery(EventSql.EVENT_FINALS_SINCE).execute(params).map(TaskRows::toTasks);
  }
}
