package dev.offload.store;

import static dev.offload.store.TaskRows.timestamp;
import static dev.offload.store.TaskRows.withCallbacks;

import dev.offload.task.AttemptEnd;
import dev.offload.task.Lane;
import dev.offload.task.Task;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    return underQueueLock(scope.queue(), TaskSql.TASK_CLAIM_IN_QUEUE_GLOBAL_LIMIT, params)
        .map(TaskRows::toTasks)
        .onSuccess(this::changed);
  }

  /**
   * Runs {@code claimStatement} after the queue's advisory lock, in one transaction: so that
   * claimers under a global limit on several nodes count the queue's attempts one after the other.
   */
  private Future<RowSet<Row>> underQueueLock(String queue, String claimStatement, Tuple params) {
    return client.withTransaction(
        connection ->
            connection
                .preparedQuery(TaskSql.QUEUE_LOCK)
                .execute(Tuple.of(queue))
                .compose(locked -> connection.preparedQuery(claimStatement).execute(params)));
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

  /**
   * Writes how attempts ended. Late outcomes are dropped, and so are those reported with a lease
   * token that no longer holds the attempt's lease (see {@link AttemptEnd#leaseToken}).
   */
  public Future<EndsWritten> endAttempts(List<AttemptEnd> ends, Instant now) {
    int n = ends.size();
    UUID[] ids = new UUID[n];
    Integer[] attempts = new Integer[n];
    String[] states = new String[n];
    OffsetDateTime[] retryAts = new OffsetDateTime[n];
    String[] results = new String[n];
    String[] errors = new String[n];
    UUID[] tokens = new UUID[n];
    for (int i = 0; i < n; i++) {
      AttemptEnd end = ends.get(i);
      ids[i] = end.taskId();
      attempts[i] = end.attempt();
      states[i] = end.state().wireName();
      retryAts[i] = timestamp(end.retryAt());
      results[i] = end.resultJson();
      errors[i] = end.error() == null ? null : TaskRows.errorJson(end.error()).encode();
      tokens[i] = end.leaseToken();
    }
    Tuple params =
        withCallbacks(
                Tuple.of(ids, attempts, states, retryAts, results, errors)
                    .addOffsetDateTime(timestamp(now)))
            .addArrayOfUUID(tokens);
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
              UUID[] written = counts.getArrayOfUUIDs("written_tokens");
              return new EndsWritten(
                  counts.getInteger("written"), written.length == 0 ? Set.of() : Set.of(written));
            });
  }

  /**
   * Claims due tasks of the remote lane within {@code scope} for remote workers: one per slot of
   * {@code slots}, at most, the i-th task claimed going to the i-th slot's worker with a lease
   * token of its own, leased until now + lease. A queue's global limit is kept as for {@link
   * #claim}.
   */
  public Future<List<RemoteAttempt>> claimRemote(
      ClaimScope scope, List<RemoteSlot> slots, Instant now, Duration lease) {
    if (slots.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    String[] queues =
        scope.queue() != null
            ? new String[] {scope.queue()}
            : scope.queues().toArray(String[]::new);
    Tuple params =
        Tuple.of(
                timestamp(now),
                timestamp(now.plus(lease)),
                slots.size(),
                slots.stream().map(RemoteSlot::workerId).toArray(UUID[]::new),
                Lane.REMOTE.wireName())
            .addOffsetDateTime(scope.dueSince() == null ? null : timestamp(scope.dueSince()))
            .addArrayOfString(scope.kinds().toArray(String[]::new))
            .addArrayOfString(queues)
            .addArrayOfString(slots.stream().map(RemoteSlot::name).toArray(String[]::new));
    if (scope.globalLimit() == null) {
      return client
          .preparedQuery(TaskSql.TASK_CLAIM_REMOTE)
          .execute(params)
          .map(AttemptStore::remoteAttempts)
          .onSuccess(this::remoteChanged);
    }
    params.addInteger(scope.globalLimit());
    return underQueueLock(scope.queue(), TaskSql.TASK_CLAIM_REMOTE_GLOBAL_LIMIT, params)
        .map(AttemptStore::remoteAttempts)
        .onSuccess(this::remoteChanged);
  }

  private void remoteChanged(List<RemoteAttempt> attempts) {
    if (!attempts.isEmpty()) {
      changes.changed(attempts.stream().map(attempt -> attempt.task().id()).toList());
    }
  }

  /**
   * The attempts that {@code leases} (task id to lease token) still hold, unexpired at {@code now};
   * the others are left out.
   */
  public Future<List<RemoteAttempt>> leased(Map<UUID, UUID> leases, Instant now) {
    return client
        .preparedQuery(WorkerSql.TASK_GET_LEASED)
        .execute(leaseParams(leases).addOffsetDateTime(timestamp(now)))
        .map(AttemptStore::remoteAttempts);
  }

  /**
   * Saves the progress of the attempt on {@code taskId} held by {@code token}; false when that
   * token holds no unexpired lease on it.
   */
  public Future<Boolean> setRemoteProgress(UUID taskId, UUID token, double progress, Instant now) {
    return client
        .preparedQuery(WorkerSql.TASK_SET_REMOTE_PROGRESS)
        .execute(Tuple.of(taskId, token, timestamp(now), progress))
        .map(rows -> rows.rowCount() > 0)
        .onSuccess(
            saved -> {
              if (saved) {
                changes.changed(List.of(taskId));
              }
            });
  }

  /**
   * Hands back the attempts that {@code leases} (task id to lease token) hold, unexpired: available
   * again at once, the attempt not counted; not those whose cancellation was requested. Returns the
   * tasks handed back.
   */
  public Future<Set<UUID>> releaseRemote(Map<UUID, UUID> leases, Instant now) {
    if (leases.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return client
        .preparedQuery(WorkerSql.TASK_RELEASE_REMOTE)
        .execute(leaseParams(leases).addOffsetDateTime(timestamp(now)))
        .map(
            rows -> {
              Set<UUID> released = new HashSet<>();
              rows.forEach(row -> released.add(row.getUUID("id")));
              if (!released.isEmpty()) {
                wakeups.dueNow();
                changes.changed(List.copyOf(released));
              }
              return released;
            });
  }

  private static Tuple leaseParams(Map<UUID, UUID> leases) {
    UUID[] ids = leases.keySet().toArray(UUID[]::new);
    return Tuple.tuple()
        .addArrayOfUUID(ids)
        .addArrayOfUUID(Arrays.stream(ids).map(leases::get).toArray(UUID[]::new));
  }

  private static List<RemoteAttempt> remoteAttempts(RowSet<Row> rows) {
    List<RemoteAttempt> attempts = new ArrayList<>(rows.size());
    rows.forEach(
        row ->
            attempts.add(
                new RemoteAttempt(
                    TaskRows.toTask(row),
                    row.getUUID("worker_id"),
                    row.getUUID("lease_token"),
                    row.getOffsetDateTime("lease_expires_at").toInstant())));
    return attempts;
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
