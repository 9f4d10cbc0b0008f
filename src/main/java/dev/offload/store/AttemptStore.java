package dev.offload.store;

import static dev.offload.store.TaskRows.timestamp;
import static dev.offload.store.TaskRows.withCallbacks;

import dev.offload.task.AttemptEnd;
import dev.offload.task.Lane;
import dev.offload.task.Task;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The engine's statements on tasks: the dispatcher claims due tasks, learns when the next one falls
 * due, renews the leases and saves the progress of the attempts it runs, then writes how they ended
 * or hands them back; maintenance rescues attempts whose lease expired, makes history partitions
 * ahead of need, removes finished tasks and counts the waiting ones for the queue gauges. What
 * submitters and the API do to tasks is {@link TaskStore}'s, so the dispatcher and maintenance
 * depend on this class alone. Every method is one statement (a claim under a global queue limit,
 * and the pruning, take a lock first in the same transaction). Those that make tasks due, directly
 * or through the callback task a final state inserts (see {@link TaskRows#withCallbacks}), wake the
 * dispatchers after their commit through the node's {@link Wakeups}.
 */
public final class AttemptStore {

  private final Pool client;
  private final Wakeups wakeups;
  private final TaskChanges changes;

  /**
   * @param wakeups the node's one instance, shared with its {@link TaskStore}
   * @param changes the node's one instance, shared with its {@link TaskStore}: every statement that
   *     changes a task's state, attempt or progress tells it which, after its commit
   */
  public AttemptStore(Pool pool, Wakeups wakeups, TaskChanges changes) {
    this.client = pool;
    this.wakeups = wakeups;
    this.changes = changes;
  }

  /**
   * Claims up to {@code limit} due tasks within {@code scope} for {@code nodeId}: they are running,
   * leased until now + lease. Each shape of scope has its own statement (see TaskSql); a queue's
   * global limit is kept under that queue's advisory lock.
   */
  public Future<List<Task>> claim(
      ClaimScope scope, int limit, String nodeId, Instant now, Duration lease) {
    if (limit <= 0) {
      return Future.succeededFuture(List.of());
    }
    Tuple params =
        Tuple.of(timestamp(now), timestamp(now.plus(lease)), limit, nodeId, scope.lane().wireName())
            .addOffsetDateTime(scope.dueSince() == null ? null : timestamp(scope.dueSince()));
    if (scope.queue() == null) {
      return scope.otherThanQueues().isEmpty()
          ? claimWith(TaskSql.TASK_CLAIM_AVAILABLE, params)
          : claimWith(
              TaskSql.TASK_CLAIM_OUTSIDE_QUEUES,
              params.addArrayOfString(scope.otherThanQueues().toArray(String[]::new)));
    }
    params.addString(scope.queue());
    if (scope.globalLimit() == null) {
      return claimWith(TaskSql.TASK_CLAIM_IN_QUEUE, params);
    }
    params.addInteger(scope.globalLimit());
    return client
        .withTransaction(
            connection ->
                connection
                    .preparedQuery(TaskSql.QUEUE_LOCK)
                    .execute(Tuple.of(scope.queue()))
                    .compose(
                        locked ->
                            connection
                                .preparedQuery(TaskSql.TASK_CLAIM_IN_QUEUE_GLOBAL_LIMIT)
                                .execute(params))
                    .map(TaskRows::toTasks))
        .onSuccess(this::changed);
  }

  private Future<List<Task>> claimWith(String claimStatement, Tuple params) {
    return client
        .preparedQuery(claimStatement)
        .execute(params)
        .map(TaskRows::toTasks)
        .onSuccess(this::changed);
  }

  private void changed(List<Task> tasks) {
    if (!tasks.isEmpty()) {
      changes.changed(tasks.stream().map(Task::id).toList());
    }
  }

  /**
   * Whether a task of {@code lane} waits that fell due before {@code floor}: one that claims scoped
   * {@link ClaimScope#dueSince dueSince(floor)} would not see. Reads only the claim index's entries
   * below the floor.
   */
  public Future<Boolean> waitingBefore(Lane lane, Instant floor) {
    return client
        .preparedQuery(TaskSql.TASK_WAITING_BEFORE)
        .execute(Tuple.of(lane.wireName(), timestamp(floor)))
        .map(rows -> rows.iterator().next().getBoolean("waiting"));
  }

  /**
   * The earliest start time after {@code now} of a scheduled or retryable task; null when there is
   * none.
   */
  public Future<Instant> nextDue(Instant now) {
    return client
        .preparedQuery(TaskSql.TASK_NEXT_DUE)
        .execute(Tuple.of(timestamp(now)))
        .map(
            rows -> {
              OffsetDateTime next = rows.iterator().next().getOffsetDateTime("next_due");
              return next == null ? null : next.toInstant();
            });
  }

  /**
   * The tasks due at {@code now} that wait in each queue: how many, and since when the oldest has
   * been due. Queues with none are left out.
   */
  public Future<List<QueueBacklog>> countDueByQueue(Instant now) {
    return client
        .preparedQuery(TaskSql.TASK_COUNT_DUE_BY_QUEUE)
        .execute(Tuple.of(timestamp(now)))
        .map(
            rows -> {
              List<QueueBacklog> backlog = new ArrayList<>(rows.size());
              rows.forEach(
                  row ->
                      backlog.add(
                          new QueueBacklog(
                              row.getString("queue"),
                              row.getLong("due"),
                              row.getOffsetDateTime("oldest_due_at").toInstant())));
              return backlog;
            });
  }

  /** Writes how attempts ended; returns how many were still current (late outcomes are dropped). */
  public Future<Integer> endAttempts(List<AttemptEnd> ends, Instant now) {
    int n = ends.size();
    UUID[] ids = new UUID[n];
    Integer[] attempts = new Integer[n];
    String[] states = new String[n];
    OffsetDateTime[] retryAts = new OffsetDateTime[n];
    String[] results = new String[n];
    String[] errors = new String[n];
    for (int i = 0; i < n; i++) {
      AttemptEnd end = ends.get(i);
      ids[i] = end.taskId();
      attempts[i] = end.attempt();
      states[i] = end.state().wireName();
      retryAts[i] = timestamp(end.retryAt());
      results[i] = end.resultJson();
      errors[i] = end.error() == null ? null : TaskRows.errorJson(end.error()).encode();
    }
    Tuple params =
        withCallbacks(
            Tuple.of(ids, attempts, states, retryAts, results, errors)
                .addOffsetDateTime(timestamp(now)));
    return client
        .preparedQuery(TaskSql.TASK_END_ATTEMPTS)
        .execute(params)
        .map(
            rows -> {
              Row counts = rows.iterator().next();
              if (counts.getInteger("callbacks") > 0) {
                wakeups.dueNow();
                changes.changed(List.of(counts.getArrayOfUUIDs("callback_ids")));
              }
              changes.changed(List.of(ids));
              return counts.getInteger("written");
            });
  }

  /**
   * Hands tasks back: available again at once, the attempt not counted (not started, or node
   * stopping).
   */
  public Future<Integer> release(Collection<UUID> taskIds, String nodeId) {
    Tuple params = Tuple.of(taskIds.toArray(UUID[]::new), nodeId);
    return client
        .preparedQuery(TaskSql.TASK_RELEASE)
        .execute(params)
        .map(
            rows -> {
              if (rows.rowCount() > 0) {
                wakeups.dueNow();
                changes.changed(taskIds);
              }
              return rows.rowCount();
            });
  }

  /** Renews the leases; returns the ids among them whose cancellation was requested. */
  public Future<List<UUID>> renewLeases(
      Collection<UUID> taskIds, String nodeId, Instant expiresAt) {
    Tuple params = Tuple.of(timestamp(expiresAt), taskIds.toArray(UUID[]::new), nodeId);
    return client
        .preparedQuery(TaskSql.TASK_RENEW_LEASES)
        .execute(params)
        .map(
            rows -> {
              List<UUID> cancelRequested = new ArrayList<>();
              rows.forEach(
                  row -> {
                    if (row.getBoolean("cancel_requested")) {
                      cancelRequested.add(row.getUUID("id"));
                    }
                  });
              return cancelRequested;
            });
  }

  public Future<Integer> setProgress(List<ProgressReport> reports) {
    UUID[] ids = reports.stream().map(ProgressReport::taskId).toArray(UUID[]::new);
    Integer[] attempts = reports.stream().map(ProgressReport::attempt).toArray(Integer[]::new);
    Double[] progress = reports.stream().map(ProgressReport::progress).toArray(Double[]::new);
    return client
        .preparedQuery(TaskSql.TASK_SET_PROGRESS)
        .execute(Tuple.of(ids, attempts, progress))
        .map(
            rows -> {
              if (rows.rowCount() > 0) {
                changes.changed(List.of(ids));
              }
              return rows.rowCount();
            });
  }

  /** Ends up to {@code batch} attempts whose lease expired before {@code now}; returns how many. */
  public Future<Integer> rescueStuck(Instant now, int batch) {
    Tuple params = withCallbacks(Tuple.of(timestamp(now), now.toString(), batch));
    return client
        .preparedQuery(TaskSql.TASK_RESCUE_STUCK)
        .execute(params)
        .map(
            rows -> {
              Row counts = rows.iterator().next();
              if (counts.getInteger("retryable") > 0 || counts.getInteger("callbacks") > 0) {
                wakeups.dueNow();
              }
              changes.changed(List.of(counts.getArrayOfUUIDs("ids")));
              return counts.getInteger("rescued");
            });
  }

  /**
   * Removes tasks finalized before {@code cutoff}, if no other node is pruning right now: the
   * wholly expired history partitions at once, then up to {@code batch} tasks outside them. Returns
   * how many were removed, -1 when the partitions could not be dropped at once (try again soon), or
   * empty when another node holds the retention lock.
   */
  public Future<Optional<Integer>> pruneFinished(Instant cutoff, int batch) {
    return client.withTransaction(
        connection ->
            connection
                .query(TaskSql.RETENTION_LOCK)
                .execute()
                .compose(
                    lock ->
                        !lock.iterator().next().getBoolean("locked")
                            ? Future.succeededFuture(Optional.<Integer>empty())
                            : connection
                                .preparedQuery(TaskSql.TASK_PRUNE_FINISHED)
                                .execute(Tuple.of(timestamp(cutoff), batch))
                                .map(
                                    pruned ->
                                        Optional.of(
                                            pruned.iterator().next().getInteger("removed")))));
  }

  /**
   * Makes sure history partitions of {@code width} cover the time up to {@code until}, so that
   * tasks made final until then do not land in the default partition. Returns how many it added.
   */
  public Future<Integer> coverHistory(Instant until, Duration width) {
    return client
        .preparedQuery(TaskSql.TASK_COVER_HISTORY)
        .execute(Tuple.of(timestamp(until), width.toSeconds()))
        .map(rows -> rows.iterator().next().getInteger("added"));
  }
}
