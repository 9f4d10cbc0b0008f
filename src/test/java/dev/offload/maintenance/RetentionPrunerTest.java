package dev.offload.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.files.FileStore;
import dev.offload.store.NodeStore;
import dev.offload.store.TaskStore;
import dev.offload.task.Lane;
import dev.offload.task.NewTask;
import dev.offload.testing.MutableClock;
import dev.offload.testing.PgTestDatabase;
import dev.offload.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One retention run against a real schema, its clock set by the test. */
class RetentionPrunerTest {

  private static final Instant T0 = Instant.parse("2025-03-01T09:00:00Z");

  private static PgTestDatabase db;
  private Vertx vertx;
  private Pool pool;
  private TaskStore tasks;
  private FileStore files;
  private MutableClock clock;
  private RetentionPruner pruner;

  @BeforeAll
  static void createSchema() {
    db = PgTestDatabase.create(RetentionPrunerTest.class);
  }

  @AfterAll
  static void dropSchema() {
    Vertx vertx = Vertx.vertx();
    db.drop(vertx);
    vertx.close().await();
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    db.truncate(vertx);
    pool = db.pool(vertx);
    tasks = new TaskStore(pool, db.config());
    files = new FileStore(pool);
    clock = new MutableClock(T0);
    pruner = new RetentionPruner(vertx, tasks, new NodeStore(pool, db.config()), files,
        TestNodes.config(db, Map.of()).tasks(), clock);
  }

  @AfterEach
  void tearDown() {
    pool.close().await();
    vertx.close().await();
  }

  @Test
  void an_upload_that_never_got_its_task_is_deleted_once_older_than_the_orphan_age_with_its_chunks() {
    UUID orphan = files.create(null, FileStore.Role.INPUT, "text/csv", T0).await();
    files.appendChunk(orphan, 0, Buffer.buffer("email,name\n")).await();
    UUID young = files.create(null, FileStore.Role.INPUT, "text/csv", T0.plus(Duration.ofMinutes(30))).await();
    UUID attached = files.create(null, FileStore.Role.INPUT, "text/csv", T0).await();
    UUID task = tasks.insert(new NewTask("users.import", Lane.ASYNC, NewTask.DEFAULT_QUEUE, new JsonObject(),
        NewTask.DEFAULT_PRIORITY, 3, Duration.ofMinutes(1), null, null, null), T0).await().task().id();
    files.attach(attached, task).await();

    clock.advance(RetentionPruner.ORPHAN_UPLOAD_AGE.minusSeconds(1));
    pruner.prune().await();
    assertEquals(Set.of(orphan, young, attached), fileIds(), "nothing is old enough yet");

    clock.advance(Duration.ofSeconds(2));
    pruner.prune().await();

    assertEquals(Set.of(young, attached), fileIds());
    assertEquals(0, count("SELECT count(*) FROM offload_file_chunk"));
  }

  private Set<UUID> fileIds() {
    Set<UUID> ids = new HashSet<>();
    pool.query("SELECT id FROM offload_file").execute().await().forEach(row -> ids.add(row.getUUID("id")));
    return ids;
  }

  private long count(String sql) {
    return pool.query(sql).execute().await().iterator().next().getLong(0);
  }
}
