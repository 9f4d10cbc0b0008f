package dev.offload.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.files.FileStore;
import dev.offload.files.FileStore.Role;
import dev.offload.task.AttemptEnd;
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
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The history of final tasks, partitioned by finalized_at (migration V012): partitions made ahead
 * of need, tasks landing in them, retention dropping a partition whole once it has expired, and
 * reads hiding a task from the moment it expires. Time is always an explicit {@link Instant}; each
 * test starts without partitions.
 */
@ExtendWith(VertxExtension.class)
class HistoryPartitionsTest {

  /**
   * Twenty past ten: in the hour partition from 10:00 to 11:00, which covering up to an hour later
   * makes (a node covers two widths ahead, from the next boundary on).
   */
  private static final Instant T0 = Instant.parse("2030-01-01T10:20:00Z");

  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Duration RETENTION = Duration.ofMinutes(30);

  private static PgTestDatabase db;

  private Pool pool;
  private Wakeups wakeups;
  private AttemptStore attempts;

  @BeforeAll
  static void createSchema() {
    db = PgTestDatabase.create(HistoryPartitionsTest.class);
  }

  @AfterAll
  static void dropSchema(Vertx vertx) {
    db.drop(vertx);
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    db.truncate(vertx);
    pool = db.pool(vertx);
    wakeups = new Wakeups(vertx, pool, db.config().notifyChannel());
    attempts = new AttemptStore(pool, wakeups, new TaskChanges(pool, "unwatched"));
    // Every partition an earlier test made: a few are dropped per statement.
    while (!partitions().isEmpty()) {
      sql("SELECT offload_task_done_prune('infinity', 1000)");
    }
  }

  @AfterEach
  void closePool() {
    pool.close().await();
  }

  @Test
  void covering_makes_aligned_partitions_from_the_next_boundary_and_again_only_what_is_missing() {
    assertEquals(2, attempts.coverHistory(T0.plus(HOUR.multipliedBy(2)), HOUR).await());
    assertEquals(
        List.of("offload_task_done_20300101t110000", "offload_task_done_20300101t120000"),
        partitions(),
        "two hours ahead of 10:20, from the next hour on: nothing can have been finalized there yet");

    assertEquals(0, attempts.coverHistory(T0.plus(HOUR), HOUR).await());
    assertEquals(1, attempts.coverHistory(T0.plus(HOUR.multipliedBy(3)), HOUR).await());
    assertEquals(3, partitions().size());
  }

  @Test
  void after_a_gap_covering_starts_near_the_time_asked_instead_of_filling_the_gap() {
    attempts.coverHistory(T0, HOUR).await();

    int added = attempts.coverHistory(T0.plus(Duration.ofDays(10)), HOUR).await();

    assertTrue(added <= 3, "added " + added + " partitions, not one for every hour of ten days");
  }

  @Test
  void a_task_made_final_lands_in_the_partition_covering_its_finalized_at() {
    attempts.coverHistory(T0.plus(HOUR), HOUR).await();

    UUID id = completedAt(T0, null);

    assertEquals("offload_task_done_20300101t100000", partitionOf(id));
  }

  @Test
  void a_partition_is_never_made_over_tasks_of_the_default_partition_which_stay_there() {
    UUID id = completedAt(T0, null);
    assertEquals("offload_task_done_default", partitionOf(id));

    attempts.coverHistory(T0.plus(HOUR), HOUR).await();

    assertEquals(List.of("offload_task_done_20300101t110000"), partitions());
    assertEquals("offload_task_done_default", partitionOf(id));
    assertTrue(store(T0).get(id).await().isPresent());
  }

  @Test
  void a_wholly_expired_partition_is_dropped_whole_with_the_unique_keys_and_files_of_its_tasks() {
    attempts.coverHistory(T0.plus(HOUR), HOUR).await();
    UUID keyed = completedAt(T0, "the-key");
    UUID other = completedAt(T0.plusSeconds(60), null);
    UUID later = completedAt(T0.plus(HOUR), null);
    FileStore files = new FileStore(pool);
    files.complete(files.create(keyed, Role.RESULT, "text/plain", T0).await(), 0).await();
    assertTrue(files.find(keyed, Role.RESULT).await().isPresent());

    assertEquals(
        Optional.of(2), attempts.pruneFinished(Instant.parse("2030-01-01T11:00:00Z"), 100).await());

    assertFalse(partitions().contains("offload_task_done_20300101t100000"));
    assertEquals(List.of(later), finalIds());
    assertTrue(files.find(keyed, Role.RESULT).await().isEmpty());
    assertTrue(store(T0).insert(task("the-key"), T0).await().created(), "its unique key is free");
    assertFalse(finalIds().contains(other));
  }

  @Test
  void a_task_past_the_retention_is_gone_from_every_read_before_its_partition_is_dropped() {
    attempts.coverHistory(T0.plus(HOUR), HOUR).await();
    UUID id = discardedAt(T0);
    TaskStore afterRetention = store(T0.plus(RETENTION).plusMillis(1));

    assertTrue(afterRetention.get(id).await().isEmpty());
    assertTrue(
        afterRetention.list(new TaskFilter(null, null, null, null, 10)).await().tasks().isEmpty());
    assertTrue(afterRetention.retry(id, T0.plus(RETENTION)).await().isEmpty());
    assertTrue(store(T0.plus(RETENTION)).get(id).await().isPresent(), "seen until it expires");

    assertEquals(Optional.of(0), attempts.pruneFinished(T0.plus(RETENTION), 100).await());
    assertEquals(List.of(id), finalIds(), "its partition has not wholly expired yet");
  }

  @Test
  void a_drop_that_cannot_get_its_lock_at_once_gives_up_and_succeeds_once_the_lock_is_free() {
    attempts.coverHistory(T0.plus(HOUR), HOUR).await();
    completedAt(T0, null);
    Instant cutoff = Instant.parse("2030-01-01T11:00:00Z");
    SqlConnection reader = pool.getConnection().await();
    try {
      Transaction reading = reader.begin().await();
      reader.query("SELECT count(*) FROM offload_task_done").execute().await();

      assertEquals(Optional.of(-1), attempts.pruneFinished(cutoff, 100).await());
      assertEquals(1, finalIds().size(), "nothing removed while the drop could not go ahead");

      reading.rollback().await();
      assertEquals(Optional.of(1), attempts.pruneFinished(cutoff, 100).await());
      assertTrue(finalIds().isEmpty());
    } finally {
      reader.close().await();
    }
  }

  @Test
  void a_retried_task_moves_back_from_the_history_and_runs_again() {
    attempts.coverHistory(T0.plus(HOUR), HOUR).await();
    UUID id = discardedAt(T0);
    TaskStore store = store(T0);

    assertEquals(TaskState.AVAILABLE, store.retry(id, T0).await().orElseThrow().state());

    assertTrue(finalIds().isEmpty());
    assertEquals(
        List.of(id),
        attempts.claim(ClaimScope.inLane(Lane.BLOCKING), 10, "node-a", T0, LEASE).await().stream()
            .map(Task::id)
            .toList());
  }

  // Helpers.

  private TaskStore store(Instant now) {
    return new TaskStore(
        pool,
        wakeups,
        new TaskChanges(pool, "unwatched"),
        db.config(),
        Clock.fixed(now, ZoneOffset.UTC),
        RETENTION);
  }

  private static NewTask task(String uniqueKey) {
    return new NewTask(
        "a",
        Lane.BLOCKING,
        NewTask.DEFAULT_QUEUE,
        new JsonObject(),
        NewTask.DEFAULT_PRIORITY,
        1,
        Duration.ofSeconds(30),
        null,
        uniqueKey,
        null,
        null,
        null,
        null);
  }

  private UUID completedAt(Instant at, String uniqueKey) {
    UUID id = claimed(at, uniqueKey);
    assertEquals(
        1,
        attempts
            .endAttempts(List.of(new AttemptEnd(id, 1, TaskState.COMPLETED, null, "1", null)), at)
            .await());
    return id;
  }

  private UUID discardedAt(Instant at) {
    UUID id = claimed(at, null);
    attempts
        .endAttempts(List.of(new AttemptEnd(id, 1, TaskState.DISCARDED, null, null, null)), at)
        .await();
    return id;
  }

  private UUID claimed(Instant at, String uniqueKey) {
    UUID id = store(at).insert(task(uniqueKey), at).await().task().id();
    attempts.claim(ClaimScope.inLane(Lane.BLOCKING), 1, "node-a", at, LEASE).await();
    return id;
  }

  private List<String> partitions() {
    List<String> names = new ArrayList<>();
    sql("SELECT name FROM offload_task_done_partitions() WHERE from_at > '-infinity'")
        .forEach(row -> names.add(row.getString("name")));
    return names;
  }

  private String partitionOf(UUID id) {
    return sql("SELECT tableoid::regclass::text AS part FROM offload_task_done WHERE id = $1", id)
        .iterator()
        .next()
        .getString("part");
  }

  private List<UUID> finalIds() {
    List<UUID> ids = new ArrayList<>();
    sql("SELECT id FROM offload_task_done ORDER BY id").forEach(row -> ids.add(row.getUUID("id")));
    return ids;
  }

  private RowSet<Row> sql(String sql, Object... params) {
    return pool.preparedQuery(sql).execute(Tuple.wrap(params)).await();
  }
}
