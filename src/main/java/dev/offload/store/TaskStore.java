package dev.offload.store;

import static dev.offload.store.TaskRows.timestamp;

import dev.offload.config.DatabaseConfig;
import dev.offload.task.AttemptEnd;
import dev.offload.task.Callbacks;
import dev.offload.task.NewTask;
import dev.offload.task.Task;
import dev.offload.task.TaskIds;
import dev.offload.task.TaskState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The only class that reads or writes tasks. Every method is one statement, so one round trip.
 * Every method that makes tasks due wakes the dispatchers after its commit, through {@link
 * Wakeups}; every statement that makes a task final inserts its callback task, if it names a
 * callback URL (see {@link Callbacks}).
 */
public final class TaskStore {

  private final Pool client;
  private final String cancelChannel;
  private final TaskIds ids = new TaskIds();
  private final Wakeups wakeups;

  /**
   * @param vertx whose event bus carries the wake to this node's dispatcher
   */
  public TaskStore(Vertx vertx, Pool pool, DatabaseConfig database) {
    this.client = pool;
    this.cancelChannel = database.cancelChannel();
    this.wakeups = new Wakeups(vertx, pool, database.notifyChannel());
  }

  /**
   * Inserts and commits the task, then wakes the dispatchers (see {@link Wakeups}). If its unique
   * key names an existing task, returns that one instead, not created.
   */
  public Future<Submitted> insert(NewTask task, Instant now) {
    Instant scheduledAt = scheduledAt(task, now);
    Tuple params =
        Tuple.of(
                ids.next(now),
                task.kind(),
                task.queue(),
                stateFor(scheduledAt, now).wireName(),
                task.args())
            .addInteger(task.priority())
            .addInteger(task.maxAttempts())
            .addLong(task.timeout().toMillis())
            .addOffsetDateTime(timestamp(now))
            .addOffsetDateTime(timestamp(scheduledAt))
            .addString(task.uniqueKey())
            .addString(task.callbackUrl())
            .addString(task.lane().wireName());
    return client
        .preparedQuery(TaskSql.TASK_INSERT)
        .execute(params)
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return existing(task, now);
              }
              boolean dueNow = !scheduledAt.isAfter(now);
              wakeups.committed(dueNow, dueNow ? null : scheduledAt);
              return Future.succeededFuture(
                  new Submitted(TaskRows.toTask(rows.iterator().next()), true));
            });
  }

  /**
   * The task holding {@code task}'s unique key; if it has just been pruned, tries the insert again.
   */
  private Future<Submitted> existing(NewTask task, Instant now) {
    return client
        .preparedQuery(TaskSql.TASK_GET_BY_UNIQUE_KEY)
        .execute(Tuple.of(task.uniqueKey()))
        .compose(
            rows ->
                rows.size() > 0
                    ? Future.succeededFuture(
                        new Submitted(TaskRows.toTask(rows.iterator().next()), false))
                    : insert(task, now));
  }

  /**
   * Inserts many tasks in one statement, all or none. Returns their ids in order; a task whose
   * unique key already exists (also earlier in the same batch) gets the existing task's id.
   */
  public Future<List<UUID>> insertMany(List<NewTask> tasks, Instant now) {
    ManyTasks many = new ManyTasks(tasks, now);
    return client
        .preparedQuery(TaskSql.TASK_INSERT_MANY)
        .execute(many.params)
        .compose(
            rows -> {
              many.wake(rows.size());
              Set<UUID> inserted = new HashSet<>();
              rows.forEach(row -> inserted.add(row.getUUID("id")));
              if (inserted.size() == tasks.size()) {
                return Future.succeededFuture(List.of(many.ids));
              }
              return idsByUniqueKey(many.uniqueKeys)
                  .map(
                      existing -> {
                        List<UUID> result = new ArrayList<>(tasks.size());
                        for (int i = 0; i < tasks.size(); i++) {
                          result.add(
                              inserted.contains(many.ids[i])
                                  ? many.ids[i]
                                  : existing.get(many.uniqueKeys[i]));
                        }
                        return result;
                      });
            });
  }

  /**
   * {@link #insert} for many tasks in one statement (one commit): how concurrent single submissions
   * are grouped. Returns each task, in order, created or (its unique key taken) the existing one.
   */
  public Future<List<Submitted>> insertEach(List<NewTask> tasks, Instant now) {
    ManyTasks many = new ManyTasks(tasks, now);
    return client
        .preparedQuery(TaskSql.TASK_INSERT_MANY_RETURNING_ROWS)
        .execute(many.params)
        .compose(
            rows -> {
              many.wake(rows.size());
              Map<UUID, Task> inserted = new HashMap<>();
              rows.forEach(row -> inserted.put(row.getUUID("id"), TaskRows.toTask(row)));
              Future<Map<String, Task>> existing =
                  inserted.size() == tasks.size()
                      ? Future.succeededFuture(Map.of())
                      : client
                          .preparedQuery(TaskSql.TASK_GET_BY_UNIQUE_KEYS)
                          .execute(Tuple.of((Object) many.uniqueKeys))
                          .map(
                              found -> {
                                Map<String, Task> byKey = new HashMap<>();
                                found.forEach(
                                    row ->
                                        byKey.put(
                                            row.getString("unique_key"), TaskRows.toTask(row)));
                                return byKey;
                              });
              return existing.map(
                  byKey -> {
                    List<Submitted> result = new ArrayList<>(tasks.size());
                    for (int i = 0; i < tasks.size(); i++) {
                      Task created = inserted.get(many.ids[i]);
                      result.add(
                          created != null
                              ? new Submitted(created, true)
                              : new Submitted(byKey.get(many.uniqueKeys[i]), false));
                    }
                    return result;
                  });
            });
  }

  /** The array parameters of TASK_INSERT_MANY, one element per task, with fresh ids. */
  private final class ManyTasks {
    final UUID[] ids;
    final String[] uniqueKeys;
    final Tuple params;
    boolean dueNow;
    Instant earliestLater;

    ManyTasks(List<NewTask> tasks, Instant now) {
      int n = tasks.size();
      ids = new UUID[n];
      uniqueKeys = new String[n];
      String[] kinds = new String[n];
      String[] queues = new String[n];
      String[] states = new String[n];
      String[] args = new String[n];
      Integer[] priorities = new Integer[n];
      Integer[] maxAttempts = new Integer[n];
      Long[] timeouts = new Long[n];
      OffsetDateTime[] scheduledAts = new OffsetDateTime[n];
      String[] callbackUrls = new String[n];
      String[] lanes = new String[n];
      for (int i = 0; i < n; i++) {
        NewTask task = tasks.get(i);
        Instant scheduledAt = scheduledAt(task, now);
        if (scheduledAt.isAfter(now)) {
          earliestLater =
              earliestLater == null || scheduledAt.isBefore(earliestLater)
                  ? scheduledAt
                  : earliestLater;
        } else {
          dueNow = true;
        }
        ids[i] = TaskStore.this.ids.next(now);
        kinds[i] = task.kind();
        queues[i] = task.queue();
        states[i] = stateFor(scheduledAt, now).wireName();
        args[i] = task.args().encode();
        priorities[i] = task.priority();
        maxAttempts[i] = task.maxAttempts();
        timeouts[i] = task.timeout().toMillis();
        scheduledAts[i] = timestamp(scheduledAt);
        uniqueKeys[i] = task.uniqueKey();
        callbackUrls[i] = task.callbackUrl();
        lanes[i] = task.lane().wireName();
      }
      params =
          Tuple.of(ids, kinds, queues, states, args, priorities, maxAttempts, timeouts)
              .addOffsetDateTime(timestamp(now))
              .addArrayOfOffsetDateTime(scheduledAts)
              .addArrayOfString(uniqueKeys)
              .addArrayOfString(callbackUrls)
              .addArrayOfString(lanes);
    }

    /**
     * After the insert's commit; a task skipped for its unique key may wake dispatchers for
     * nothing.
     */
    void wake(int inserted) {
      if (inserted > 0) {
        wakeups.committed(dueNow, earliestLater);
      }
    }
  }

  private Future<Map<String, UUID>> idsByUniqueKey(String[] uniqueKeys) {
    return client
        .preparedQuery(TaskSql.TASK_IDS_BY_UNIQUE_KEYS)
        .execute(Tuple.of((Object) uniqueKeys))
        .map(
            rows -> {
              Map<String, UUID> byKey = new HashMap<>();
              rows.forEach(row -> byKey.put(row.getString("unique_key"), row.getUUID("id")));
              return byKey;
            });
  }

  private static Instant scheduledAt(NewTask task, Instant now) {
    return task.scheduledAt() == null || task.scheduledAt().isBefore(now)
        ? now
        : task.scheduledAt();
  }

  private static TaskState stateFor(Instant scheduledAt, Instant now) {
    return scheduledAt.isAfter(now) ? TaskState.SCHEDULED : TaskState.AVAILABLE;
  }

  /**
   * Cancels a task that is not final: a waiting one at once, a running one by request (its node
   * stops it). Empty when the task is unknown or already final.
   */
  public Future<Optional<Task>> cancel(UUID id, Instant now) {
    Tuple params = withCallbacks(Tuple.of(id, timestamp(now), cancelChannel));
    return client
        .preparedQuery(TaskSql.TASK_CANCEL)
        .execute(params)
        .map(
            rows -> {
              if (rows.size() > 0 && rows.iterator().next().getInteger("callbacks") > 0) {
                wakeups.dueNow();
              }
              return firstTask(rows);
            });
  }

  /**
   * Makes a discarded or cancelled task available again. Empty when it is unknown or in another
   * state.
   */
  public Future<Optional<Task>> retry(UUID id, Instant now) {
    return client
        .preparedQuery(TaskSql.TASK_RETRY)
        .execute(Tuple.of(id, timestamp(now)))
        .map(
            rows -> {
              if (rows.size() > 0) {
                wakeups.dueNow();
              }
              return firstTask(rows);
            });
  }

  public Future<Optional<Task>> get(UUID id) {
    return client.preparedQuery(TaskSql.TASK_GET).execute(Tuple.of(id)).map(TaskStore::firstTask);
  }

  public Future<TaskPage> list(TaskFilter filter) {
    Tuple params =
        Tuple.tuple()
            .addString(filter.state() == null ? null : filter.state().wireName())
            .addString(filter.kind())
            .addString(filter.queue())
            .addUUID(filter.after())
            .addInteger(filter.limit() + 1); // one extra row tells whether a next page exists
    return client
        .preparedQuery(TaskSql.TASK_LIST)
        .execute(params)
        .map(
            rows -> {
              List<Task> tasks = toTasks(rows);
              if (tasks.size() <= filter.limit()) {
                return new TaskPage(tasks, null);
              }
              List<Task> page = tasks.subList(0, filter.limit());
              return new TaskPage(page, page.get(page.size() - 1).id());
            });
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
        Tuple.of(
            timestamp(now), timestamp(now.plus(lease)), limit, nodeId, scope.lane().wireName());
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
    return client.withTransaction(
        connection ->
            connection
                .preparedQuery(TaskSql.QUEUE_LOCK)
                .execute(Tuple.of(scope.queue()))
                .compose(
                    locked ->
                        connection
                            .preparedQuery(TaskSql.TASK_CLAIM_IN_QUEUE_GLOBAL_LIMIT)
                            .execute(params))
                .map(TaskStore::toTasks));
  }

  private Future<List<Task>> claimWith(String claimStatement, Tuple params) {
    return client.preparedQuery(claimStatement).execute(params).map(TaskStore::toTasks);
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
              }
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
        .map(RowSet::rowCount);
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
              return counts.getInteger("rescued");
            });
  }

  /**
   * {@code params}, then the callback task's kind, max attempts, timeout and lane (see
   * TaskSql.callbackInsert).
   */
  private static Tuple withCallbacks(Tuple params) {
    return params
        .addString(Callbacks.KIND)
        .addInteger(Callbacks.MAX_ATTEMPTS)
        .addLong(Callbacks.TIMEOUT.toMillis())
        .addString(Callbacks.LANE.wireName());
  }

  /**
   * Deletes up to {@code batch} tasks finished before {@code cutoff}, if no other node is pruning
   * right now. Returns how many were deleted, or empty when another node holds the retention lock.
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
                                .map(deleted -> Optional.of(deleted.rowCount()))));
  }

  public Future<Void> ping() {
    return client.query(TaskSql.PING).execute().mapEmpty();
  }

  private static Optional<Task> firstTask(RowSet<Row> rows) {
    return rows.size() == 0
        ? Optional.empty()
        : Optional.of(TaskRows.toTask(rows.iterator().next()));
  }

  private static List<Task> toTasks(RowSet<Row> rows) {
    List<Task> tasks = new ArrayList<>(rows.size());
    rows.forEach(row -> tasks.add(TaskRows.toTask(row)));
    return tasks;
  }
}
