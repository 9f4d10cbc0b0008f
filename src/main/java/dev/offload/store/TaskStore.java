package dev.offload.store;

import static dev.offload.store.TaskRows.scheduledAt;
import static dev.offload.store.TaskRows.stateFor;
import static dev.offload.store.TaskRows.timestamp;
import static dev.offload.store.TaskRows.toTasks;
import static dev.offload.store.TaskRows.withCallbacks;

import dev.offload.config.DatabaseConfig;
import dev.offload.task.IdempotencyConflictException;
import dev.offload.task.NewTask;
import dev.offload.task.Task;
import dev.offload.task.TaskIds;
import dev.offload.task.TaskState;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What submitters and the API do to tasks: insert them (one, a batch, or single submissions grouped
 * into one statement), read one or a page of them, cancel or retry one. What the dispatcher and
 * maintenance do to them once they are due is {@link AttemptStore}'s. Each method is one statement,
 * so one round trip, but for a unique key already taken: a second reads the task that holds it.
 * Every method that makes tasks due wakes the dispatchers after its commit, through the node's
 * {@link Wakeups}; a cancel that makes a task final inserts its callback task, if it names a
 * callback URL (see {@link dev.offload.task.Callbacks}).
 */
public final class TaskStore {

  /**
   * The most a list page's heavy fields may take, as JSON text: a page stops before the row that
   * would pass it, so that no read builds an answer of unbounded size (the first row always comes).
   */
  public static final long PAGE_BYTES = 2L * 1024 * 1024;

  private final Pool client;
  private final String cancelChannel;
  private final TaskIds ids = new TaskIds();
  private final Wakeups wakeups;
  private final TaskChanges changes;
  private final Clock clock;
  private final Duration retention;

  /**
   * @param wakeups the node's one instance, shared with its {@link AttemptStore}
   * @param changes the node's one instance, shared with its {@link AttemptStore}
   * @param clock with {@code retention}, which final tasks are still to be seen: those finalized at
   *     most {@code retention} before the clock's now
   */
  public TaskStore(
      Pool pool,
      Wakeups wakeups,
      TaskChanges changes,
      DatabaseConfig database,
      Clock clock,
      Duration retention) {
    this.client = pool;
    this.cancelChannel = database.cancelChannel();
    this.wakeups = wakeups;
    this.changes = changes;
    this.clock = clock;
    this.retention = retention;
  }

  /** Final tasks finalized before this are gone, whether or not their partition is dropped yet. */
  private OffsetDateTime retentionCutoff() {
    return timestamp(clock.instant().minus(retention));
  }

  /**
   * Inserts and commits the task, then wakes the dispatchers (see {@link Wakeups}). If its unique
   * key names an existing task, returns that one instead, not created.
   */
  public Future<Submitted> insert(NewTask task, Instant now) {
    return insert(task, now, true);
  }

  /**
   * @param mayFreeKey whether a unique key held by a task that is gone may be freed, and the insert
   *     tried again (once)
   */
  private Future<Submitted> insert(NewTask task, Instant now, boolean mayFreeKey) {
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
            .addString(task.lane().wireName())
            .addString(task.requestHash())
            .addString(task.traceparent());
    return client
        .preparedQuery(TaskSql.TASK_INSERT)
        .execute(params)
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return existing(task, now, mayFreeKey);
              }
              boolean dueNow = !scheduledAt.isAfter(now);
              wakeups.committed(dueNow, dueNow ? null : scheduledAt);
              Task inserted = TaskRows.toTask(rows.iterator().next());
              changes.changed(inserted.id());
              return Future.succeededFuture(new Submitted(inserted, true));
            });
  }

  /**
   * The task holding {@code task}'s unique key. If there is none, because it has just been pruned
   * (its key with it) or was deleted by hand (its key left behind), frees the key if need be and
   * tries the insert again, once.
   */
  private Future<Submitted> existing(NewTask task, Instant now, boolean mayFreeKey) {
    return client
        .preparedQuery(TaskSql.TASK_GET_BY_UNIQUE_KEY)
        .execute(Tuple.of(task.uniqueKey()))
        .compose(
            rows -> {
              if (rows.size() > 0) {
                Task holder = TaskRows.toTask(rows.iterator().next());
                return keyRequestHashes(new String[] {task.uniqueKey()})
                    .map(
                        hashes ->
                            new Submitted(
                                holder, false, sameRequest(task, hashes.get(task.uniqueKey()))));
              }
              return mayFreeKey
                  ? freeOrphanedKeys(new String[] {task.uniqueKey()})
                      .compose(freed -> insert(task, now, false))
                  : Future.failedFuture(keyStillTaken(task.uniqueKey()));
            });
  }

  /**
   * Deletes those of {@code uniqueKeys} whose task is in neither table. A task and its key are
   * inserted, moved and deleted together, in one transaction, so such a key is one whose task was
   * deleted by hand; left alone, it would refuse every submission with that key.
   */
  private Future<Void> freeOrphanedKeys(String[] uniqueKeys) {
    return client
        .preparedQuery(TaskSql.TASK_KEY_FREE_ORPHANS)
        .execute(Tuple.of((Object) uniqueKeys))
        .mapEmpty();
  }

  private static IllegalStateException keyStillTaken(String uniqueKey) {
    return new IllegalStateException(
        "unique key "
            + uniqueKey
            + " is taken, but no task holding it can be read: inserted and removed again"
            + " meanwhile, twice");
  }

  /**
   * Inserts many tasks in one statement, all or none. Returns their ids in order; a task whose
   * unique key already exists (also earlier in the same batch) gets the existing task's id. Tasks
   * whose key is held by a task that is gone (see {@link #freeOrphanedKeys}) are inserted by a
   * second statement.
   */
  public Future<List<UUID>> insertMany(List<NewTask> tasks, Instant now) {
    return insertMany(prepare(tasks, now));
  }

  /**
   * The statement's parameters for {@link #insertMany(ManyTasks)}: every task's args encoded, and
   * fresh ids. Safe on any thread, so that a large batch is encoded off the event loop.
   */
  public ManyTasks prepare(List<NewTask> tasks, Instant now) {
    return new ManyTasks(tasks, now, ids);
  }

  /** {@link #insertMany(List, Instant)} of tasks already {@link #prepare}d. */
  public Future<List<UUID>> insertMany(ManyTasks prepared) {
    List<NewTask> tasks = prepared.tasks;
    if (tasks.stream().allMatch(task -> task.requestHash() == null)) {
      return insertMany(prepared, true);
    }
    // Keys with fingerprints: a key taken by another request is a conflict, and then the whole
    // batch is refused, so the keys are checked before the insert, which stays one statement (its
    // commit is the batch's). Two different requests racing with one key can pass that check
    // together; the one that loses is still answered 409 by the check after the insert, but its
    // tasks without a shared key are stored.
    return requireSameRequests(tasks)
        .compose(checked -> insertMany(prepared, true))
        .compose(ids -> requireSameRequests(tasks).map(ids));
  }

  private Future<List<UUID>> insertMany(ManyTasks many, boolean mayFreeKeys) {
    List<NewTask> tasks = many.tasks;
    return client
        .preparedQuery(TaskSql.TASK_INSERT_MANY)
        .execute(many.params)
        .compose(
            rows -> {
              many.wake(wakeups, rows.size());
              Set<UUID> inserted = new HashSet<>();
              rows.forEach(row -> inserted.add(row.getUUID("id")));
              changes.changed(inserted);
              if (inserted.size() == tasks.size()) {
                return Future.succeededFuture(List.of(many.ids));
              }
              return idsByUniqueKey(many.uniqueKeys)
                  .compose(
                      existing -> {
                        List<UUID> result = new ArrayList<>(tasks.size());
                        for (int i = 0; i < tasks.size(); i++) {
                          result.add(
                              inserted.contains(many.ids[i])
                                  ? many.ids[i]
                                  : existing.get(many.uniqueKeys[i]));
                        }
                        return withMissingInserted(
                            result,
                            tasks,
                            many.uniqueKeys,
                            mayFreeKeys,
                            missing -> insertMany(prepare(missing, many.now), false));
                      });
            });
  }

  /**
   * Fails with {@link IdempotencyConflictException} if a key of {@code tasks} is held by a request
   * other than the one that gives it here; the keys this batch took carry its own fingerprints.
   */
  private Future<Void> requireSameRequests(List<NewTask> tasks) {
    String[] keys =
        tasks.stream().map(NewTask::uniqueKey).filter(Objects::nonNull).toArray(String[]::new);
    return keyRequestHashes(keys)
        .compose(
            hashes -> {
              for (NewTask task : tasks) {
                if (task.uniqueKey() != null && !sameRequest(task, hashes.get(task.uniqueKey()))) {
                  return Future.failedFuture(new IdempotencyConflictException(task.uniqueKey()));
                }
              }
              return Future.succeededFuture();
            });
  }

  /** Whether {@code task} is the request that took its key, as far as fingerprints tell. */
  private static boolean sameRequest(NewTask task, String storedHash) {
    return task.requestHash() == null
        || storedHash == null
        || storedHash.equals(task.requestHash());
  }

  private Future<Map<String, String>> keyRequestHashes(String[] keys) {
    return client
        .preparedQuery(TaskSql.TASK_KEY_REQUEST_HASHES)
        .execute(Tuple.of((Object) keys))
        .map(
            rows -> {
              Map<String, String> byKey = new HashMap<>();
              rows.forEach(
                  row -> byKey.put(row.getString("unique_key"), row.getString("request_hash")));
              return byKey;
            });
  }

  /**
   * {@code result} with its null entries, tasks whose unique key is held by no task that can be
   * read, inserted again (once) by {@code insertAgain}, after their keys are freed.
   */
  private <T> Future<List<T>> withMissingInserted(
      List<T> result,
      List<NewTask> tasks,
      String[] uniqueKeys,
      boolean mayFreeKeys,
      Function<List<NewTask>, Future<List<T>>> insertAgain) {
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < result.size(); i++) {
      if (result.get(i) == null) {
        missing.add(i);
      }
    }
    if (missing.isEmpty()) {
      return Future.succeededFuture(result);
    }
    if (!mayFreeKeys) {
      return Future.failedFuture(keyStillTaken(uniqueKeys[missing.get(0)]));
    }
    return freeOrphanedKeys(missing.stream().map(i -> uniqueKeys[i]).toArray(String[]::new))
        .compose(freed -> insertAgain.apply(missing.stream().map(tasks::get).toList()))
        .map(
            again -> {
              for (int j = 0; j < missing.size(); j++) {
                result.set(missing.get(j), again.get(j));
              }
              return result;
            });
  }

  /**
   * {@link #insert} for many tasks in one statement (one commit): how concurrent single submissions
   * are grouped. Returns each task, in order, created or (its unique key taken) the existing one.
   */
  public Future<List<Submitted>> insertEach(List<NewTask> tasks, Instant now) {
    return insertEach(tasks, now, true);
  }

  private Future<List<Submitted>> insertEach(
      List<NewTask> tasks, Instant now, boolean mayFreeKeys) {
    ManyTasks many = new ManyTasks(tasks, now, ids);
    return client
        .preparedQuery(TaskSql.TASK_INSERT_MANY_RETURNING_ROWS)
        .execute(many.params)
        .compose(
            rows -> {
              many.wake(wakeups, rows.size());
              Map<UUID, Task> inserted = new HashMap<>();
              rows.forEach(row -> inserted.put(row.getUUID("id"), TaskRows.toTask(row)));
              changes.changed(inserted.keySet());
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
              Future<Map<String, String>> hashes =
                  inserted.size() == tasks.size()
                      ? Future.succeededFuture(Map.of())
                      : keyRequestHashes(many.uniqueKeys);
              return Future.all(existing, hashes)
                  .compose(
                      found -> {
                        Map<String, Task> byKey = existing.result();
                        List<Submitted> result = new ArrayList<>(tasks.size());
                        for (int i = 0; i < tasks.size(); i++) {
                          Task created = inserted.get(many.ids[i]);
                          Task holder = created == null ? byKey.get(many.uniqueKeys[i]) : null;
                          boolean same =
                              holder == null
                                  || sameRequest(
                                      tasks.get(i), hashes.result().get(many.uniqueKeys[i]));
                          result.add(
                              created != null
                                  ? new Submitted(created, true)
                                  : holder == null ? null : new Submitted(holder, false, same));
                        }
                        return withMissingInserted(
                            result,
                            tasks,
                            many.uniqueKeys,
                            mayFreeKeys,
                            missing -> insertEach(missing, now, false));
                      });
            });
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
              changedByCancel(rows);
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
        .execute(Tuple.of(id, timestamp(now), retentionCutoff()))
        .map(
            rows -> {
              if (rows.size() > 0) {
                wakeups.dueNow();
                changes.changed(id);
              }
              return firstTask(rows);
            });
  }

  /** Tells the hubs about the tasks a cancel changed, and wakes the dispatchers for callbacks. */
  private void changedByCancel(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return;
    }
    List<UUID> changed = new ArrayList<>(rows.size());
    rows.forEach(row -> changed.add(row.getUUID("id")));
    Row first = rows.iterator().next();
    if (first.getInteger("callbacks") > 0) {
      wakeups.dueNow();
      changed.addAll(List.of(first.getArrayOfUUIDs("callback_ids")));
    }
    changes.changed(changed);
  }

  /**
   * Cancels those of {@code ids} (at most {@value #BULK_CHUNK}) that are not final, as {@link
   * #cancel(UUID, Instant)} does each. Returns how many changed: cancelled at once, or running and
   * asked to stop.
   */
  public Future<Integer> cancel(List<UUID> ids, Instant now) {
    Tuple params = withCallbacks(Tuple.of(ids.toArray(UUID[]::new), timestamp(now), cancelChannel));
    return retryingDeadlocks(
        () ->
            client
                .preparedQuery(TaskSql.TASK_CANCEL_MANY)
                .execute(params)
                .map(
                    rows -> {
                      changedByCancel(rows);
                      return rows.size();
                    }),
        DEADLOCK_TRIES);
  }

  /** Cancels every waiting or running task that {@code filter} matches, a chunk at a time. */
  public Future<Integer> cancel(BulkFilter filter, Instant now) {
    Set<TaskState> states =
        statesAmong(
            filter,
            TaskState.AVAILABLE,
            TaskState.SCHEDULED,
            TaskState.RUNNING,
            TaskState.RETRYABLE);
    return states.isEmpty()
        ? Future.succeededFuture(0)
        : inChunks(
            TaskSql.TASK_IDS_LIVE_MATCHING,
            filter,
            states,
            false,
            chunk -> cancel(chunk, now),
            null,
            0);
  }

  /**
   * Makes those of {@code ids} (at most {@value #BULK_CHUNK}) that are discarded or cancelled
   * available again, as {@link #retry(UUID, Instant)} does each. Returns how many.
   */
  public Future<Integer> retry(List<UUID> ids, Instant now) {
    return client
        .preparedQuery(TaskSql.TASK_RETRY_MANY)
        .execute(Tuple.of(ids.toArray(UUID[]::new), timestamp(now), retentionCutoff()))
        .map(
            rows -> {
              if (rows.size() > 0) {
                wakeups.dueNow();
                List<UUID> changed = new ArrayList<>(rows.size());
                rows.forEach(row -> changed.add(row.getUUID("id")));
                changes.changed(changed);
              }
              return rows.size();
            });
  }

  /** Retries every discarded or cancelled task that {@code filter} matches, a chunk at a time. */
  public Future<Integer> retry(BulkFilter filter, Instant now) {
    Set<TaskState> states = statesAmong(filter, TaskState.DISCARDED, TaskState.CANCELLED);
    return states.isEmpty()
        ? Future.succeededFuture(0)
        : inChunks(
            TaskSql.TASK_IDS_FINAL_MATCHING,
            filter,
            states,
            true,
            chunk -> retry(chunk, now),
            null,
            0);
  }

  /** Bulk operations take their tasks this many at a time, each chunk its own statement. */
  public static final int BULK_CHUNK = 1_000;

  private static final int DEADLOCK_TRIES = 3;

  /**
   * Applies {@code change} to the ids {@code select} finds, {@value #BULK_CHUNK} at a time in id
   * order, each chunk after the last; returns how many it changed in all.
   */
  private Future<Integer> inChunks(
      String select,
      BulkFilter filter,
      Set<TaskState> states,
      boolean finalTasks,
      Function<List<UUID>, Future<Integer>> change,
      UUID after,
      int changedSoFar) {
    Tuple params =
        Tuple.tuple()
            .addArrayOfString(
                states.stream().map(TaskState::wireName).sorted().toArray(String[]::new))
            .addString(filter.kind())
            .addString(filter.queue())
            .addUUID(after)
            .addInteger(BULK_CHUNK);
    filter.created().addTo(params);
    if (finalTasks) {
      params.addOffsetDateTime(retentionCutoff());
    }
    return client
        .preparedQuery(select)
        .execute(params)
        .compose(
            rows -> {
              List<UUID> chunk = new ArrayList<>(rows.size());
              rows.forEach(row -> chunk.add(row.getUUID("id")));
              if (chunk.isEmpty()) {
                return Future.succeededFuture(changedSoFar);
              }
              return change
                  .apply(chunk)
                  .compose(
                      changed ->
                          chunk.size() < BULK_CHUNK
                              ? Future.succeededFuture(changedSoFar + changed)
                              : inChunks(
                                  select,
                                  filter,
                                  states,
                                  finalTasks,
                                  change,
                                  chunk.get(chunk.size() - 1),
                                  changedSoFar + changed));
            });
  }

  /** The states of {@code filter} among {@code applicable}; all of these when it names none. */
  private static Set<TaskState> statesAmong(BulkFilter filter, TaskState... applicable) {
    Set<TaskState> states = EnumSet.noneOf(TaskState.class);
    for (TaskState state : applicable) {
      if (filter.states().isEmpty() || filter.states().contains(state)) {
        states.add(state);
      }
    }
    return states;
  }

  /**
   * Bulk cancels lock their tasks in id order, but the outcome writes lock theirs in the order of
   * their batch: PostgreSQL may then end one of two statements with a deadlock error (40P01), which
   * changed nothing; the cancel is tried again.
   */
  private static <T> Future<T> retryingDeadlocks(Supplier<Future<T>> statement, int tries) {
    return statement
        .get()
        .recover(
            failure ->
                tries > 1 && failure instanceof PgException pg && "40P01".equals(pg.getSqlState())
                    ? retryingDeadlocks(statement, tries - 1)
                    : Future.failedFuture(failure));
  }

  /**
   * Deletes a final task, with its unique key and files. Empty when no retained final task has this
   * id (the caller tells an unknown task from one that is not final).
   */
  public Future<Boolean> deleteFinal(UUID id) {
    return client
        .preparedQuery(TaskSql.TASK_DELETE_FINAL)
        .execute(Tuple.of(id, retentionCutoff()))
        .map(rows -> rows.size() > 0);
  }

  public Future<Optional<Task>> get(UUID id) {
    return client
        .preparedQuery(TaskSql.TASK_GET)
        .execute(Tuple.of(id, retentionCutoff()))
        .map(TaskStore::firstTask);
  }

  public Future<TaskPage> list(TaskFilter filter) {
    if (filter.text() != null) {
      return search(filter);
    }
    Tuple params =
        Tuple.tuple()
            .addString(filter.state() == null ? null : filter.state().wireName())
            .addString(filter.kind())
            .addString(filter.queue())
            .addUUID(filter.after())
            .addInteger(filter.limit() + 1) // one extra row tells whether a next page exists
            .addOffsetDateTime(retentionCutoff())
            .addBoolean(filter.fields().args())
            .addBoolean(filter.fields().result())
            .addBoolean(filter.fields().errors())
            .addLong(PAGE_BYTES);
    filter.created().addTo(params);
    return client
        .preparedQuery(TaskSql.TASK_LIST)
        .execute(params)
        .map(
            rows -> {
              List<Task> tasks = toTasks(rows);
              long matched = rows.size() == 0 ? 0 : rows.iterator().next().getLong("page_rows");
              if (tasks.size() < matched && tasks.size() <= filter.limit()) {
                // Cut short by the byte bound: the rest follows on the next page.
                return new TaskPage(tasks, tasks.get(tasks.size() - 1).id());
              }
              if (tasks.size() <= filter.limit()) {
                return new TaskPage(tasks, null);
              }
              List<Task> page = tasks.subList(0, filter.limit());
              return new TaskPage(page, page.get(page.size() - 1).id());
            });
  }

  /** Tasks a search looks at per page, at most: see TaskSql.TASK_SEARCH. */
  public static final int SEARCH_SCAN = 2_000;

  /**
   * A page of {@link #list}'s filter with text: the tasks among the newest {@value #SEARCH_SCAN}
   * that pass the filter whose unique key is the text or whose args contain it, light fields only.
   * Its {@code next} continues below the tasks looked at, even when this page found none.
   */
  private Future<TaskPage> search(TaskFilter filter) {
    Tuple params =
        Tuple.tuple()
            .addString(filter.state() == null ? null : filter.state().wireName())
            .addString(filter.kind())
            .addString(filter.queue())
            .addUUID(filter.after())
            .addInteger(filter.limit() + 1)
            .addOffsetDateTime(retentionCutoff());
    filter.created().addTo(params).addString(filter.text()).addInteger(SEARCH_SCAN);
    return client
        .preparedQuery(TaskSql.TASK_SEARCH)
        .execute(params)
        .map(
            rows -> {
              List<Task> tasks = new ArrayList<>();
              long scanned = 0;
              UUID lowest = null;
              for (Row row : rows) {
                scanned = row.getLong("scanned");
                lowest = row.getUUID("lowest");
                if (row.getUUID("id") != null) {
                  tasks.add(TaskRows.toTask(row));
                }
              }
              if (tasks.size() > filter.limit()) {
                List<Task> page = tasks.subList(0, filter.limit());
                return new TaskPage(page, page.get(page.size() - 1).id());
              }
              return new TaskPage(tasks, scanned >= SEARCH_SCAN ? lowest : null);
            });
  }

  public Future<Void> ping() {
    return client.query(TaskSql.PING).execute().mapEmpty();
  }

  private static Optional<Task> firstTask(RowSet<Row> rows) {
    return rows.size() == 0
        ? Optional.empty()
        : Optional.of(TaskRows.toTask(rows.iterator().next()));
  }
}
