package dev.offload.store;

import dev.offload.task.AttemptError;
import dev.offload.task.Callbacks;
import dev.offload.task.Lane;
import dev.offload.task.NewTask;
import dev.offload.task.Task;
import dev.offload.task.TaskState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps between rows (and statement parameters) and domain values, for both task stores: the rows of
 * tasks, the columns a new task starts with, and the callback task's parameters.
 */
final class TaskRows {

  private TaskRows() {}

  static Task toTask(Row row) {
    return new Task(
        row.getUUID("id"),
        row.getString("kind"),
        Lane.fromWireName(row.getString("lane")).orElseThrow(),
        row.getString("queue"),
        TaskState.fromWireName(row.getString("state")).orElseThrow(),
        (JsonObject) row.getJson("args"),
        row.getInteger("priority"),
        row.getInteger("attempt"),
        row.getInteger("max_attempts"),
        Duration.ofMillis(row.getLong("timeout_ms")),
        row.getDouble("progress"),
        jsonValue(row.getJson("result")),
        errors((JsonArray) row.getJson("errors")),
        row.getString("attempted_by"),
        instant(row, "created_at"),
        instant(row, "scheduled_at"),
        instant(row, "attempted_at"),
        instant(row, "finalized_at"),
        instant(row, "cancel_requested_at"),
        row.getString("unique_key"),
        row.getString("callback_url"),
        row.getString("traceparent"));
  }

  static List<Task> toTasks(RowSet<Row> rows) {
    List<Task> tasks = new ArrayList<>(rows.size());
    rows.forEach(row -> tasks.add(toTask(row)));
    return tasks;
  }

  /** When a new task starts: its scheduled time, or {@code now} if it has none or it is past. */
  static Instant scheduledAt(NewTask task, Instant now) {
    return task.scheduledAt() == null || task.scheduledAt().isBefore(now)
        ? now
        : task.scheduledAt();
  }

  static TaskState stateFor(Instant scheduledAt, Instant now) {
    return scheduledAt.isAfter(now) ? TaskState.SCHEDULED : TaskState.AVAILABLE;
  }

  /**
   * {@code params}, then the callback task's kind, max attempts, timeout and lane (see
   * TaskSql.callbackInsert).
   */
  static Tuple withCallbacks(Tuple params) {
    return params
        .addString(Callbacks.KIND)
        .addInteger(Callbacks.MAX_ATTEMPTS)
        .addLong(Callbacks.TIMEOUT.toMillis())
        .addString(Callbacks.LANE.wireName());
  }

  static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  static JsonObject errorJson(AttemptError error) {
    return new JsonObject()
        .put("at", error.at().toString())
        .put("attempt", error.attempt())
        .put("message", error.message());
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  /** A JSON null stored in a jsonb column reads as a marker object; the domain uses plain null. */
  private static Object jsonValue(Object value) {
    return value == Tuple.JSON_NULL ? null : value;
  }

  private static List<AttemptError> errors(JsonArray array) {
    List<AttemptError> errors = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonObject entry = array.getJsonObject(i);
      errors.add(
          new AttemptError(
              Instant.parse(entry.getString("at")),
              entry.getInteger("attempt"),
              entry.getString("message")));
    }
    return errors;
  }
}
