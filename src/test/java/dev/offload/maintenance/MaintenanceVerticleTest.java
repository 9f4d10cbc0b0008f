package dev.offload.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.config.OffloadConfig;
import dev.offload.files.FileStore;
import dev.offload.metrics.Metrics;
import dev.offload.metrics.TaskMetrics;
import dev.offload.store.AttemptStore;
import dev.offload.store.ClaimScope;
import dev.offload.store.NodeStore;
import dev.offload.store.StatsStore;
import dev.offload.store.TaskChanges;
import dev.offload.store.TaskStore;
import dev.offload.store.Wakeups;
import dev.offload.task.Lane;
import dev.offload.task.NewTask;
import dev.offload.task.Task;
import dev.offload.task.TaskState;
import dev.offload.testing.Eventually;
import dev.offload.testing.MutableClock;
import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The maintenance verticle and its retention pruner on their own, against a real schema, on a clock
 * set here.
 */
class MaintenanceVerticleTest {

  private static final Instant T0 = Instant.parse("2025-03-01T09:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(1);

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private Vertx vertx;
  private Pool pool;
  private TaskStore tasks;
  private AttemptStore attempts;
  private NodeStore nodes;
  private FileStore files;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    pool = offload.database().pool(vertx);
    Wakeups wakeups = new Wakeups(vertx, pool, offload.database().config().notifyChannel());
    tasks =
        new TaskStore(
            pool,
            wakeups,
            new TaskChanges(pool, "unwatched"),
            offload.database().config(),
            Clock.fixed(T0, ZoneOffset.UTC),
            Duration.ofDays(7));
    attempts = new AttemptStore(pool, wakeups, new TaskChanges(pool, "unwatched"));
    nodes = new NodeStore(pool, offload.database().config());
    files = new FileStore(pool);
  }

  @AfterEach
  void tearDown() {
    pool.close().await();
    vertx.close().await();
  }

  @Test
  void an_attempt_whose_node_stopped_renewing_its_lease_is_rescued_and_made_retryable()
      throws Exception {
    UUID id =
        tasks
            .insert(
                new NewTask(
                    "sleep",
                    Lane.BLOCKING,
                    NewTask.DEFAULT_QUEUE,
                    new JsonObject(),
                    NewTask.DEFAULT_PRIORITY,
                    3,
                    Duration.ofMinutes(1),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null),
                T0)
            .await()
            .task()
            .id();
    List<Task> claimed =
        attempts.claim(ClaimScope.inLane(Lane.BLOCKING), 1, "dead-node", T0, LEASE).await();
    assertEquals(1, claimed.size());
    MutableClock clock = new MutableClock(T0.plus(LEASE).plusMillis(1));

    OffloadConfig config =
        OffloadNodeExtension.testConfig(offload.database(), Map.of("OFFLOAD_LEASE", "1s"));
    vertx
        .deployVerticle(
            new MaintenanceVerticle(
                attempts,
                nodes,
                files,
                new StatsStore(pool),
                new TaskMetrics(Metrics.newRegistry()),
                config,
                clock))
        .await();

    Task rescued =
        Eventually.value(
            "the attempt is rescued",
            Duration.ofSeconds(5),
            () -> tasks.get(id).await().orElseThrow(),
            task -> task.state() != TaskState.RUNNING);
    assertEquals(TaskState.RETRYABLE, rescued.state());
    assertEquals(1, rescued.errors().size());
    assertTrue(
        rescued.errors().get(0).message().startsWith("lease expired: node dead-node"),
        rescued.errors().get(0).message());
  }

  @Test
  void
      an_upload_that_never_got_its_task_is_deleted_once_older_than_the_orphan_age_with_its_chunks() {
    UUID orphan = files.create(null, FileStore.Role.INPUT, "text/csv", T0).await();
    files.appendChunk(orphan, 0, Buffer.buffer("email,name\n")).await();
    UUID young =
        files
            .create(null, FileStore.Role.INPUT, "text/csv", T0.plus(Duration.ofMinutes(30)))
            .await();
    UUID attached = files.create(null, FileStore.Role.INPUT, "text/csv", T0).await();
    UUID task =
        tasks
            .insert(
                new NewTask(
                    "users.import",
                    Lane.ASYNC,
                    NewTask.DEFAULT_QUEUE,
                    new JsonObject(),
                    NewTask.DEFAULT_PRIORITY,
                    3,
                    Duration.ofMinutes(1),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null),
                T0)
            .await()
            .task()
            .id();
    files.attach(attached, task).await();
    MutableClock clock = new MutableClock(T0);
    RetentionPruner pruner =
        new RetentionPruner(
            vertx,
            attempts,
            nodes,
            files,
            OffloadNodeExtension.testConfig(offload.database(), Map.of()).tasks(),
            clock);

    clock.advance(RetentionPruner.ORPHAN_UPLOAD_AGE.minusSeconds(1));
    pruner.prune().await();
    assertEquals(Set.of(orphan, young, attached), fileIds(), "nothing is old enough yet");

    clock.advance(Duration.ofSeconds(2));
    pruner.prune().await();

    assertEquals(Set.of(young, attached), fileIds());
    assertEquals(
        0,
        pool.query("SELECT count(*) FROM offload_file_chunk")
            .execute()
            .await()
            .iterator()
            .next()
            .getLong(0));
  }

  private Set<UUID> fileIds() {
    Set<UUID> ids = new HashSet<>();
    pool.query("SELECT id FROM offload_file")
        .execute()
        .await()
        .forEach(row -> ids.add(row.getUUID("id")));
    return ids;
  }
}
