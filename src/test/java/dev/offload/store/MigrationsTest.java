package dev.offload.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.config.DatabaseConfig;
import dev.offload.task.AttemptEnd;
import dev.offload.task.Callbacks;
import dev.offload.task.Lane;
import dev.offload.task.NewTask;
import dev.offload.task.Task;
import dev.offload.task.TaskState;
import dev.offload.testing.PgTestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Migrations on a fresh schema of their own, against the real PostgreSQL. */
@ExtendWith(VertxExtension.class)
class MigrationsTest {

  private DatabaseConfig config;
  private Vertx vertx;

  @BeforeEach
  void freshSchemaName(Vertx vertx) {
    this.vertx = vertx;
    String schema = "t_migrationstest_" + UUID.randomUUID().toString().substring(0, 8);
    config =
        new DatabaseConfig(
            PgTestDatabase.URL, schema, 2, PgTestDatabase.MAX_WAIT_QUEUE, Duration.ofMillis(200));
  }

  @AfterEach
  void dropSchema() {
    if (config
        .url()
        .equals(PgTestDatabase.URL)) { // a test that made a database of its own dropped it whole
      query("DROP SCHEMA IF EXISTS " + config.schema() + " CASCADE");
    }
  }

  @Test
  void apply_creates_the_schema_and_records_every_migration_file_once() throws Exception {
    Migrations.apply(config);

    assertEquals(oncePerFile(), successfulRunsPerScript());
    assertEquals(
        0, count("SELECT count(*) FROM offload_task"), "the task table exists and is empty");
  }

  // Repeated: a race that is lost only sometimes must still show up in one run of the suite.
  @RepeatedTest(5)
  void apply_started_twice_at_the_same_time_on_a_fresh_schema_succeeds_both_times()
      throws Exception {
    applyTwiceAtTheSameTime();

    assertEquals(oncePerFile(), successfulRunsPerScript());
    assertEquals(
        0,
        count("SELECT count(*) FROM " + history() + " WHERE NOT success"),
        "no failed run recorded");
  }

  @Test
  void apply_again_changes_nothing() throws Exception {
    Migrations.apply(config);
    long rowsBefore = count("SELECT count(*) FROM " + history());
    long lastRankBefore = count("SELECT max(installed_rank) FROM " + history());

    Migrations.apply(config);

    assertEquals(rowsBefore, count("SELECT count(*) FROM " + history()));
    assertEquals(lastRankBefore, count("SELECT max(installed_rank) FROM " + history()));
    assertEquals(oncePerFile(), successfulRunsPerScript());
  }

  @Test
  void apply_creates_the_database_when_the_server_does_not_have_it() throws Exception {
    // Upper case and a hyphen: the name only works if it is quoted as an identifier.
    String database = "t_Migrations-" + UUID.randomUUID().toString().substring(0, 8);
    config = withDatabase(database);
    try {
      assertFalse(databaseExists(database));

      Migrations.apply(config);

      assertTrue(databaseExists(database));
      assertEquals(oncePerFile(), successfulRunsPerScript());
    } finally {
      dropDatabase(database);
    }
  }

  @Test
  void apply_started_twice_at_the_same_time_on_a_missing_database_succeeds_both_times()
      throws Exception {
    String database = "t_migrations_" + UUID.randomUUID().toString().substring(0, 8);
    config = withDatabase(database);
    try {
      applyTwiceAtTheSameTime();

      assertTrue(databaseExists(database));
      assertEquals(oncePerFile(), successfulRunsPerScript());
    } finally {
      dropDatabase(database);
    }
  }

  /**
   * Two Migrations.apply released together; throws if either failed, returns once both have ended.
   */
  private void applyTwiceAtTheSameTime() throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService starters = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> runs =
          Stream.<Future<?>>of(
                  starters.submit(() -> applyWhenReleased(start)),
                  starters.submit(() -> applyWhenReleased(start)))
              .toList();
      start.countDown();

      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS); // throws if that Migrations.apply failed
      }
    } finally {
      // Both runs end before the caller cleans up: a database with a connection open cannot be
      // dropped.
      starters.shutdown();
      assertTrue(starters.awaitTermination(60, TimeUnit.SECONDS));
    }
  }

  @Test
  void a_populated_v010_schema_upgrades_and_its_tasks_then_get_their_callbacks_from_the_store()
      throws Exception {
    Migrations.flyway(config).target("10").load().migrate();
    UUID running = UUID.randomUUID();
    UUID waiting = UUID.randomUUID();
    query(
        """
        INSERT INTO %1$s.offload_task (id, kind, queue, state, args, priority, attempt, max_attempts, timeout_ms,
            created_at, scheduled_at, attempted_at, attempted_by, lease_expires_at, callback_url, lane)
        VALUES ('%2$s', 'noop', 'reports', 'running', '{}', 2, 1, 3, 30000, '2025-03-01T09:00:00Z',
                '2025-03-01T09:00:00Z', '2025-03-01T09:00:00Z', 'node-a', '2025-03-01T09:01:00Z', '%4$s', 'async'),
               ('%3$s', 'noop', 'default', 'scheduled', '{}', 5, 0, 3, 30000, '2025-03-01T09:00:00Z',
                '2025-03-01T10:00:00Z', NULL, NULL, NULL, '%4$s', 'async')"""
            .formatted(config.schema(), running, waiting, "http://127.0.0.1:9/hook"));

    Migrations.apply(config);

    assertEquals(oncePerFile(), successfulRunsPerScript());
    Instant now = Instant.parse("2025-03-01T09:00:30Z");
    Pool pool = Database.pool(vertx, config);
    try {
      Wakeups wakeups = new Wakeups(vertx, pool, config.notifyChannel());
      new AttemptStore(pool, wakeups, new TaskChanges(pool, "unwatched"))
          .endAttempts(
              List.of(new AttemptEnd(running, 1, TaskState.COMPLETED, null, "1", null)), now)
          .await();
      new TaskStore(
              pool,
              wakeups,
              new TaskChanges(pool, "unwatched"),
              config,
              Clock.systemUTC(),
              Duration.ofDays(7))
          .cancel(waiting, now)
          .await();
    } finally {
      pool.close().await();
    }
    for (UUID task : List.of(running, waiting)) {
      RowSet<Row> callbacks =
          query(
              "SELECT kind, lane, max_attempts, timeout_ms, state FROM "
                  + config.schema()
                  + ".offload_task WHERE args ->> 'task_id' = '"
                  + task
                  + "'");
      assertEquals(
          1, callbacks.size(), "exactly one callback task for " + task + ", from the store alone");
      Row callback = callbacks.iterator().next();
      assertEquals(Callbacks.KIND, callback.getString("kind"));
      assertEquals(Callbacks.LANE.wireName(), callback.getString("lane"));
      assertEquals(Callbacks.MAX_ATTEMPTS, callback.getInteger("max_attempts"));
      assertEquals(Callbacks.TIMEOUT.toMillis(), callback.getLong("timeout_ms"));
      assertEquals("available", callback.getString("state"));
    }
  }

  /**
   * V012 splits the task table into live tasks and a partitioned history. A v011 schema with a task
   * in every state, unique keys and a result file upgrades without losing or changing any of them,
   * and every operation then works on them: end, retry, cancel, claim, unique keys, retention.
   */
  @Test
  void
      a_populated_v011_schema_upgrades_with_tasks_in_every_state_and_every_operation_works_on_them()
          throws Exception {
    Migrations.flyway(config).target("11").load().migrate();
    Map<String, UUID> ids = new HashMap<>();
    for (String state :
        List.of(
            "available",
            "scheduled",
            "running",
            "retryable",
            "completed",
            "cancelled",
            "discarded")) {
      ids.put(state, UUID.randomUUID());
    }
    query(
        """
        INSERT INTO %1$s.offload_task (id, kind, queue, state, args, priority, attempt, max_attempts,
            timeout_ms, progress, result, errors, created_at, scheduled_at, attempted_at, attempted_by,
            finalized_at, lease_expires_at, unique_key, lane)
        VALUES
          ('%2$s', 'noop', 'default', 'available', '{"n":1}', 5, 0, 3, 30000, NULL, NULL, '[]',
           '2025-03-01T09:00:00Z', '2025-03-01T09:00:00Z', NULL, NULL, NULL, NULL, 'key-available', 'async'),
          ('%3$s', 'noop', 'default', 'scheduled', '{}', 5, 0, 3, 30000, NULL, NULL, '[]',
           '2025-03-01T09:00:00Z', '2025-03-01T12:00:00Z', NULL, NULL, NULL, NULL, NULL, 'async'),
          ('%4$s', 'noop', 'default', 'running', '{}', 5, 1, 3, 30000, 0.5, NULL, '[]',
           '2025-03-01T09:00:00Z', '2025-03-01T09:00:00Z', '2025-03-01T09:00:10Z', 'node-a', NULL,
           '2025-03-01T09:05:00Z', NULL, 'async'),
          ('%5$s', 'noop', 'default', 'retryable', '{}', 5, 1, 3, 30000, NULL, NULL,
           '[{"at":"2025-03-01T09:00:05Z","attempt":1,"message":"boom"}]',
           '2025-03-01T09:00:00Z', '2025-03-01T09:10:00Z', '2025-03-01T09:00:01Z', 'node-a', NULL, NULL,
           NULL, 'async'),
          ('%6$s', 'noop', 'default', 'completed', '{}', 5, 1, 3, 30000, 1, '{"ok":true}', '[]',
           '2025-03-01T08:00:00Z', '2025-03-01T08:00:00Z', '2025-03-01T08:00:01Z', 'node-a',
           '2025-03-01T08:00:02Z', NULL, 'key-completed', 'async'),
          ('%7$s', 'noop', 'default', 'cancelled', '{}', 5, 0, 3, 30000, NULL, NULL, '[]',
           '2025-03-01T08:00:00Z', '2025-03-01T08:00:00Z', NULL, NULL, '2025-03-01T08:30:00Z', NULL, NULL,
           'async'),
          ('%8$s', 'noop', 'default', 'discarded', '{}', 5, 3, 3, 30000, 0.2, NULL,
           '[{"at":"2025-03-01T08:59:00Z","attempt":3,"message":"no"}]',
           '2025-03-01T08:00:00Z', '2025-03-01T08:59:00Z', '2025-03-01T08:58:00Z', 'node-a',
           '2025-03-01T08:59:00Z', NULL, NULL, 'async');
        INSERT INTO %1$s.offload_file (id, task_id, role, content_type, size, created_at)
        VALUES (gen_random_uuid(), '%6$s', 'result', 'text/plain', 0, '2025-03-01T08:00:02Z')"""
            .formatted(
                config.schema(),
                ids.get("available"),
                ids.get("scheduled"),
                ids.get("running"),
                ids.get("retryable"),
                ids.get("completed"),
                ids.get("cancelled"),
                ids.get("discarded")));
    Map<String, String> before = taskRows();

    Migrations.apply(config);

    assertEquals(oncePerFile(), successfulRunsPerScript());
    assertEquals(before, taskRows(), "every task kept, every column unchanged");
    assertEquals(4, count("SELECT count(*) FROM " + config.schema() + ".offload_task"));
    assertEquals(3, count("SELECT count(*) FROM " + config.schema() + ".offload_task_done"));
    Instant now = Instant.parse("2025-03-01T09:00:30Z");
    Pool pool = Database.pool(vertx, config);
    try {
      Wakeups wakeups = new Wakeups(vertx, pool, config.notifyChannel());
      TaskStore store =
          new TaskStore(
              pool,
              wakeups,
              new TaskChanges(pool, "unwatched"),
              config,
              Clock.fixed(now, ZoneOffset.UTC),
              Duration.ofDays(7));
      AttemptStore attempts = new AttemptStore(pool, wakeups, new TaskChanges(pool, "unwatched"));
      for (Map.Entry<String, UUID> task : ids.entrySet()) {
        assertEquals(
            task.getKey(),
            store.get(task.getValue()).await().orElseThrow().state().wireName(),
            "the API sees the " + task.getKey() + " task");
      }
      NewTask sameKey =
          new NewTask(
              "noop",
              Lane.ASYNC,
              "default",
              new JsonObject(),
              5,
              3,
              Duration.ofSeconds(30),
              null,
              "key-completed",
              null,
              null,
              null,
              null);
      Submitted again = store.insert(sameKey, now).await();
      assertFalse(again.created(), "a finished task still holds its unique key");
      assertEquals(ids.get("completed"), again.task().id());

      assertEquals(
          1,
          attempts
              .endAttempts(
                  List.of(
                      new AttemptEnd(ids.get("running"), 1, TaskState.COMPLETED, null, "7", null)),
                  now)
              .await());
      assertEquals(
          TaskState.DISCARDED, store.get(ids.get("discarded")).await().orElseThrow().state());
      assertEquals(
          TaskState.AVAILABLE,
          store.retry(ids.get("discarded"), now).await().orElseThrow().state());
      assertEquals(
          TaskState.CANCELLED,
          store.cancel(ids.get("scheduled"), now).await().orElseThrow().state());
      List<UUID> claimed =
          attempts
              .claim(ClaimScope.inLane(Lane.ASYNC), 10, "node-b", now, Duration.ofMinutes(1))
              .await()
              .stream()
              .map(Task::id)
              .toList();
      assertEquals(Set.of(ids.get("available"), ids.get("discarded")), Set.copyOf(claimed));
      assertEquals(
          TaskState.COMPLETED, store.get(ids.get("running")).await().orElseThrow().state());

      // Retention: the tasks finished before the upgrade go from the legacy partition, their unique
      // key and result file with them; those finished since stay.
      assertEquals(
          Optional.of(2),
          attempts.pruneFinished(Instant.parse("2025-03-01T09:00:00Z"), 100).await());
      assertTrue(store.get(ids.get("completed")).await().isEmpty());
      assertTrue(store.get(ids.get("cancelled")).await().isEmpty());
      assertTrue(store.get(ids.get("running")).await().isPresent());
      assertEquals(0, count("SELECT count(*) FROM " + config.schema() + ".offload_file"));
      assertTrue(store.insert(sameKey, now).await().created(), "the pruned task's key is free");
    } finally {
      pool.close().await();
    }
  }

  /** Every task of the schema as the text of its row, by id, wherever it is kept. */
  private Map<String, String> taskRows() {
    String table =
        count(
                    "SELECT count(*) FROM pg_class WHERE relname = 'offload_task_all' AND"
                        + " relnamespace = '"
                        + config.schema()
                        + "'::regnamespace")
                > 0
            ? "offload_task_all"
            : "offload_task";
    Map<String, String> rows = new HashMap<>();
    query(
            "SELECT id::text, (id, kind, queue, state, args, priority, attempt, max_attempts, timeout_ms,"
                + " progress, result, errors, created_at, scheduled_at, attempted_at, attempted_by,"
                + " finalized_at, lease_expires_at, unique_key, lane)::text AS task FROM "
                + config.schema()
                + "."
                + table)
        .forEach(row -> rows.put(row.getString("id"), row.getString("task")));
    return rows;
  }

  private Object applyWhenReleased(CountDownLatch start) throws InterruptedException {
    assertTrue(start.await(10, TimeUnit.SECONDS));
    Migrations.apply(config);
    return null;
  }

  /** The test configuration, pointed at {@code database} on the same server. */
  private DatabaseConfig withDatabase(String database) {
    String url = PgTestDatabase.URL.replaceFirst("/[^/?]*(\\?.*)?$", "/" + database + "$1");
    return new DatabaseConfig(
        url, config.schema(), 2, PgTestDatabase.MAX_WAIT_QUEUE, Duration.ofMillis(200));
  }

  /** Asked of the test database, which is known to exist. */
  private boolean databaseExists(String database) {
    Pool pool =
        Database.pool(
            vertx,
            new DatabaseConfig(
                PgTestDatabase.URL,
                "public",
                1,
                PgTestDatabase.MAX_WAIT_QUEUE,
                Duration.ofMillis(200)));
    try {
      return pool.preparedQuery("SELECT 1 FROM pg_database WHERE datname = $1")
              .execute(Tuple.of(database))
              .await()
              .size()
          == 1;
    } finally {
      pool.close().await();
    }
  }

  private void dropDatabase(String database) {
    Pool pool =
        Database.pool(
            vertx,
            new DatabaseConfig(
                PgTestDatabase.URL,
                "public",
                1,
                PgTestDatabase.MAX_WAIT_QUEUE,
                Duration.ofMillis(200)));
    try {
      pool.query("DROP DATABASE IF EXISTS \"" + database + "\"").execute().await();
    } finally {
      pool.close().await();
    }
  }

  /** Every file in {@code db/migration} on the test classpath, each expected once. */
  private static Map<String, Long> oncePerFile() throws IOException, URISyntaxException {
    Path directory =
        Path.of(MigrationsTest.class.getClassLoader().getResource("db/migration").toURI());
    Map<String, Long> expected = new HashMap<>();
    try (Stream<Path> files = Files.list(directory)) {
      files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".sql"))
          .forEach(name -> expected.put(name, 1L));
    }
    assertFalse(expected.isEmpty(), "the migration files were found");
    return expected;
  }

  /**
   * Successful versioned runs in the history table, by script (Flyway's schema-creation marker
   * excluded).
   */
  private Map<String, Long> successfulRunsPerScript() {
    Map<String, Long> runs = new HashMap<>();
    for (Row row :
        query(
            "SELECT script, count(*) AS runs FROM "
                + history()
                + " WHERE success AND version IS NOT NULL GROUP BY script")) {
      runs.put(row.getString("script"), row.getLong("runs"));
    }
    return runs;
  }

  private String history() {
    return config.schema() + "." + Migrations.HISTORY_TABLE;
  }

  private long count(String sql) {
    return query(sql).iterator().next().getLong(0);
  }

  private RowSet<Row> query(String sql) {
    Pool pool = Database.pool(vertx, config);
    try {
      return pool.query(sql).execute().await();
    } finally {
      pool.close().await();
    }
  }
}
