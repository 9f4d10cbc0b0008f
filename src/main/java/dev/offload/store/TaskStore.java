package dev.offload.store;

import static dev.offload.store.TaskRows.timestamp;

import dev.offload.task.NewTask;
import dev.offload.task.Task;
import dev.offload.task.TaskIds;
import dev.offload.task.TaskState;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The only class that reads or writes tasks. Every method is one statement, so one round trip. */
public final class TaskStore {

  private final SqlClient client;
  private final String notifyChannel;
  private final TaskIds ids = new TaskIds();

  public TaskStore(SqlClient client, String notifyChannel) {
    this.client = client;
    this.notifyChannel = notifyChannel;
  }

  /** Inserts and commits the task, and wakes the dispatchers if it is due now. */
  public Future<Task> insert(NewTask task, Instant now) {
    Instant scheduledAt = task.scheduledAt() == null || task.scheduledAt().isBefore(now)
        ? now : task.scheduledAt();
    TaskState state = scheduledAt.isAfter(now) ? TaskState.SCHEDULED : TaskState.AVAILABLE;
    Tuple params = Tuple.of(ids.next(now), task.kind(), task.queue(), state.wireName(), task.args())
        .addInteger(task.priority())
        .addInteger(task.maxAttempts())
        .addLong(task.timeout().toMillis())
        .addOffsetDateTime(timestamp(now))
        .addOffsetDateTime(timestamp(scheduledAt))
        .addString(notifyChannel);
    return client.preparedQuery(TaskSql.TASK_INSERT).execute(params)
        .map(rows -> TaskRows.toTask(rows.iterator().next()));
  }

  public Future<Optional<Task>> get(UUID id) {
    return client.preparedQuery(TaskSql.TASK_GET).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(TaskRows.toTask(rows.iterator().next())));
  }

  public Future<TaskPage> list(TaskFilter filter) {
    Tuple params = Tuple.tuple()
        .addString(filter.state() == null ? null : filter.state().wireName())
        .addString(filter.kind())
        .addString(filter.queue())
        .addUUID(filter.after())
        .addInteger(filter.limit() + 1); // one extra row tells whether a next page exists
    return client.preparedQuery(TaskSql.TASK_LIST).execute(params).map(rows -> {
      List<Task> tasks = toTasks(rows);
      if (tasks.size() <= filter.limit()) {
        return new TaskPage(tasks, null);
      }
      List<Task> page = tasks.subList(0, filter.limit());
      return new TaskPage(page, page.get(page.size() - 1).id());
    });
  }

  /** Claims up to {@code limit} due tasks for {@code nodeId}: they are running, leased until now + lease. */
  public Future<List<Task>> claimDue(int limit, String nodeId, Instant now, Duration lease) {
    Tuple params = Tuple.of(timestamp(now), timestamp(now.plus(lease)), limit, nodeId);
    return client.preparedQuery(TaskSql.TASK_CLAIM_DUE).execute(params).map(TaskStore::toTasks);
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
    Tuple params = Tuple.of(ids, attempts, states, retryAts, results, errors).addOffsetDateTime(timestamp(now));
    return client.preparedQuery(TaskSql.TASK_END_ATTEMPTS).execute(params).map(RowSet::rowCount);
  }

  /** Hands tasks back: available again at once, the attempt not counted (not started, or node stopping). */
  public Future<Integer> release(Collection<UUID> taskIds, String nodeId) {
    Tuple params = Tuple.of(taskIds.toArray(UUID[]::new), nodeId, notifyChannel);
    return client.preparedQuery(TaskSql.TASK_RELEASE).execute(params).map(RowSet::rowCount);
  }

  public Future<Integer> renewLeases(Collection<UUID> taskIds, String nodeId, Instant expiresAt) {
    Tuple params = Tuple.of(timestamp(expiresAt), taskIds.toArray(UUID[]::new), nodeId);
    return client.preparedQuery(TaskSql.TASK_RENEW_LEASES).execute(params).map(RowSet::rowCount);
  }

  public Future<Integer> setProgress(List<ProgressReport> reports) {
    UUID[] ids = reports.stream().map(ProgressReport::taskId).toArray(UUID[]::new);
    Integer[] attempts = reports.stream().map(ProgressReport::attempt).toArray(Integer[]::new);
    Double[] progress = reports.stream().map(ProgressReport::progress).toArray(Double[]::new);
    return client.preparedQuery(TaskSql.TASK_SET_PROGRESS).execute(Tuple.of(ids, attempts, progress))
        .map(RowSet::rowCount);
  }

  /** Ends up to {@code batch} attempts whose lease expired before {@code now}; returns how many. */
  public Future<Integer> rescueStuck(Instant now, int batch) {
    Tuple params = Tuple.of(timestamp(now), now.toString(), batch, notifyChannel);
    return client.preparedQuery(TaskSql.TASK_RESCUE_STUCK).execute(params).map(RowSet::rowCount);
  }

  public Future<Void> ping() {
    return client.query(TaskSql.PING).execute().mapEmpty();
  }

  private static List<Task> toTasks(RowSet<Row> rows) {
    List<Task> tasks = new ArrayList<>(rows.size());
    rows.forEach(row -> tasks.add(TaskRows.toTask(row)));
    return tasks;
  }
}
