package dev.offload.fault;

import dev.offload.testing.PgTestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A {@code test.record} task as PostgreSQL holds it, read straight from the tables (live and
 * final), and in how many rows its id appears: more than one would be a task final twice, or both
 * final and live.
 */
record StoredTask(
    UUID id,
    String uniqueKey,
    String state,
    int attempt,
    String attemptedBy,
    JsonObject result,
    JsonArray errors,
    OffsetDateTime createdAt,
    long rows) {

  static List<StoredTask> readAll(PgTestDatabase database, Vertx vertx) {
    List<StoredTask> tasks = new ArrayList<>();
    for (Row row :
        database.sql(
            vertx,
            """
            SELECT id, unique_key, state, attempt, attempted_by, result, errors, created_at,
                   count(*) OVER (PARTITION BY id) AS rows
            FROM offload_task_all WHERE kind = 'test.record'""")) {
      tasks.add(
          new StoredTask(
              row.getUUID("id"),
              row.getString("unique_key"),
              row.getString("state"),
              row.getInteger("attempt"),
              row.getString("attempted_by"),
              row.getValue("result") instanceof JsonObject result ? result : null,
              row.getJsonArray("errors"),
              row.getOffsetDateTime("created_at"),
              row.getLong("rows")));
    }
    return tasks;
  }

  /** How many of them are not final yet. */
  static long unfinished(PgTestDatabase database, Vertx vertx) {
    return database
        .sql(
            vertx,
            "SELECT count(*) FROM offload_task_all WHERE kind = 'test.record' AND finalized_at IS NULL")
        .iterator()
        .next()
        .getLong(0);
  }

  @Override
  public String toString() {
    return "task "
        + id
        + " (key "
        + uniqueKey
        + "): "
        + state
        + " after attempt "
        + attempt
        + " by "
        + attemptedBy
        + ", result "
        + result
        + ", errors "
        + errors
        + (rows == 1 ? "" : ", in " + rows + " rows");
  }
}
