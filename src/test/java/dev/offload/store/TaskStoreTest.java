package dev.offload.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.config.DatabaseConfig;
import dev.offload.task.AttemptEnd;
import dev.offload.task.AttemptError;
import dev.offload.task.Callbacks;
import dev.offload.task.Lane;
import dev.offload.task.NewTask;
import dev.offload.task.Task;
import dev.offload.task.TaskState;
import dev.offload.testing.PgTestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The task store and the attempt store against a real PostgreSQL schema: one nested group per
 * statement. One class for both, as most groups use both (attempts need inserted tasks; cancel,
 * retry and callbacks need claimed or ended ones) and share the helpers below. Time is always an
 * explicit {@link Instant}, so nothing here waits for a clock.
 */
@ExtendWith(VertxExtension.class)
class TaskStoreTest {

  private static final Instant T0 = Instant.parse("2025-03-01T09:00:00Z");

  /** What the store's reads take as now, with RETENTION: every task these tests finish is seen. */
  private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

  private static final Duration RETENTION = Duration.ofDays(7);
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final String NODE = "node-a";
  private static final String OTHER_NODE = "node-b";

  /** The lane of every task these tests insert, except those of kind "http". */
  private static final ClaimScope BLOCKING = ClaimScope.inLane(Lane.BLOCKING);

  private static PgTestDatabase db;

  private Vertx vertx;
  private Pool pool;
  private TaskStore store;
  private AttemptStore attempts;

  @BeforeAll
  static void createSchema() {
    db = PgTestDatabase.create(TaskStoreTest.class);
  }

  @AfterAll
  static void dropSchema(Vertx vertx) {
    db.drop(vertx);
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    db.truncate(vertx);
    pool = db.pool(vertx);
    Wakeups wakeups = wakeups(pool);
    store =
        new TaskStore(
            pool, wakeups, new TaskChanges(pool, "unwatched"), db.config(), CLOCK, RETENTION);
    attempts = new AttemptStore(pool, wakeups, new TaskChanges(pool, "unwatched"));
  }

  @AfterEach
  void closePool() {
    pool.close().await();
  }

  @Nested
  class TaskInsert {

    @Test
    void insert_returns_an_available_task_when_it_is_due_now() {
      Task task = store.insert(newTask("email"), T0).await().task();

      assertEquals(TaskState.AVAILABLE, task.state());
      assertEquals(T0, task.createdAt());
      assertEquals(T0, task.scheduledAt());
    }

    @Test
    void insert_returns_a_scheduled_task_when_scheduled_in_the_future() {
      Instant later = T0.plus(Duration.ofHours(1));

      Task task = store.insert(scheduledTask("email", later), T0).await().task();

      assertEquals(TaskState.SCHEDULED, task.state());
      assertEquals(T0, task.createdAt());
      assertEquals(later, task.scheduledAt());
    }

    @Test
    void insert_makes_a_task_scheduled_in_the_past_available_now() {
      Task task = store.insert(scheduledTask("email", T0.minusSeconds(60)), T0).await().task();

      assertEquals(TaskState.AVAILABLE, task.state());
      assertEquals(T0, task.scheduledAt());
    }

    @Test
    void insert_keeps_the_submitted_values_and_the_column_defaults() {
      NewTask submitted =
          new NewTask(
              "resize",
              Lane.BLOCKING,
              "images",
              new JsonObject().put("width", 640),
              2,
              7,
              Duration.ofMillis(1500),
              null,
              null,
              null,
              null,
              null,
              null);

      Task task = store.insert(submitted, T0).await().task();

      assertEquals("resize", task.kind());
      assertEquals(Lane.BLOCKING, task.lane());
      assertEquals("images", task.queue());
      assertEquals(new JsonObject().put("width", 640), task.args());
      assertEquals(2, task.priority());
      assertEquals(7, task.maxAttempts());
      assertEquals(Duration.ofMillis(1500), task.timeout());
      assertEquals(0, task.attempt());
      assertNull(task.progress());
      assertNull(task.result());
      assertEquals(List.of(), task.errors());
      assertNull(task.attemptedBy());
      assertNull(task.attemptedAt());
      assertNull(task.finalizedAt());
    }

    @Test
    void insert_commits_the_row_so_another_connection_reads_it() {
      Task task = store.insert(newTask("email"), T0).await().task();

      Row row =
          db.sql(
                  vertx,
                  "SELECT kind, state, lease_expires_at FROM offload_task_all WHERE id = $1",
                  task.id())
              .iterator()
              .next();
      assertEquals("email", row.getString("kind"));
      assertEquals("available", row.getString("state"));
      assertNull(row.getValue("lease_expires_at"));
    }

    @Test
    void insert_gives_time_ordered_uuidv7_ids() {
      Task first = store.insert(newTask("email"), T0).await().task();
      Task second = store.insert(newTask("email"), T0.plusMillis(1)).await().task();
      Task third = store.insert(newTask("email"), T0.plusSeconds(1)).await().task();

      for (Task task : List.of(first, second, third)) {
        assertEquals(7, task.id().version());
        assertEquals(2, task.id().variant());
        assertEquals(
            task.createdAt().toEpochMilli(),
            task.id().getMostSignificantBits() >>> 16,
            "the first 48 bits are the creation time in Unix milliseconds");
      }
      assertTrue(first.id().compareTo(second.id()) < 0);
      assertTrue(second.id().compareTo(third.id()) < 0);
      List<UUID> databaseOrder =
          sql("SELECT id FROM offload_task_all ORDER BY id").stream()
              .map(row -> row.getUUID("id"))
              .toList();
      assertEquals(List.of(first.id(), second.id(), third.id()), databaseOrder);
    }

    @Test
    void insert_notifies_now_for_a_task_due_now_and_its_start_time_for_a_later_one() {
      List<String> payloads =
          notificationsDuring(
              () -> {
                store.insert(task("email", "later", 5, 3, T0.plusSeconds(60)), T0).await();
                store.insert(task("email", "now", 5, 3, null), T0).await();
              },
              2);

      // Notifications arrive in commit order.
      assertEquals(List.of("at:" + T0.plusSeconds(60).toEpochMilli(), "now"), payloads);
    }
  }

  @Nested
  class TaskNextDue {

    @Test
    void nextDue_is_the_earliest_future_start_of_a_scheduled_or_retryable_task() {
      assertNull(attempts.nextDue(T0).await());
      store.insert(scheduledTask("a", T0.plusSeconds(90)), T0).await();
      store.insert(scheduledTask("a", T0.plusSeconds(30)), T0).await();
      UUID failed = insertAndClaim();
      attempts.endAttempts(List.of(retry(failed, 1, T0, T0.plusSeconds(10))), T0).await();

      assertEquals(T0.plusSeconds(10), attempts.nextDue(T0).await());
      assertEquals(T0.plusSeconds(30), attempts.nextDue(T0.plusSeconds(10)).await());
    }

    @Test
    void insertMany_notifies_once_for_the_due_tasks_and_once_for_the_earliest_later_one() {
      List<String> payloads =
          notificationsDuring(
              () ->
                  store
                      .insertMany(
                          List.of(
                              newTask("a"), newTask("b"),
                              scheduledTask("c", T0.plusSeconds(90)),
                                  scheduledTask("d", T0.plusSeconds(30))),
                          T0)
                      .await(),
              2);

      assertEquals(
          Set.of("now", "at:" + T0.plusSeconds(30).toEpochMilli()), new HashSet<>(payloads));
    }
  }

  @Nested
  class TaskGet {

    @Test
    void get_returns_the_task_as_inserted() {
      Task inserted = store.insert(newTask("email"), T0).await().task();

      assertEquals(Optional.of(inserted), store.get(inserted.id()).await());
    }

    @Test
    void get_returns_empty_for_an_unknown_id() {
      store.insert(newTask("email"), T0).await().task();

      assertEquals(Optional.empty(), store.get(UUID.randomUUID()).await());
    }
  }

  @Nested
  class TaskList {

    @Test
    void list_returns_the_newest_task_first() {
      List<UUID> inserted = insertTasks(5);

      TaskPage page = store.list(filter(null, null, null, null, 10)).await();

      assertEquals(reversed(inserted), ids(page.tasks()));
      assertNull(page.next());
    }

    @Test
    void list_filters_by_state() {
      List<UUID> inserted = insertTasks(3);
      Task running = claimOne(T0.plusSeconds(1));

      TaskPage runningPage = store.list(filter(TaskState.RUNNING, null, null, null, 10)).await();
      TaskPage availablePage =
          store.list(filter(TaskState.AVAILABLE, null, null, null, 10)).await();

      assertEquals(List.of(running.id()), ids(runningPage.tasks()));
      List<UUID> stillAvailable = new ArrayList<>(reversed(inserted));
      stillAvailable.remove(running.id());
      assertEquals(stillAvailable, ids(availablePage.tasks()));
    }

    @Test
    void list_filters_by_kind() {
      Task email = store.insert(newTask("email"), T0).await().task();
      store.insert(newTask("resize"), T0.plusMillis(1)).await().task();
      Task otherEmail = store.insert(newTask("email"), T0.plusMillis(2)).await().task();

      TaskPage page = store.list(filter(null, "email", null, null, 10)).await();

      assertEquals(List.of(otherEmail.id(), email.id()), ids(page.tasks()));
    }

    @Test
    void list_filters_by_queue() {
      store.insert(task("email", "mail", 5, 3, null), T0).await().task();
      Task image =
          store.insert(task("email", "images", 5, 3, null), T0.plusMillis(1)).await().task();

      TaskPage page = store.list(filter(null, null, "images", null, 10)).await();

      assertEquals(List.of(image.id()), ids(page.tasks()));
    }

    @Test
    void list_combines_filters() {
      store.insert(task("email", "mail", 5, 3, null), T0).await().task();
      Task wanted =
          store.insert(task("resize", "mail", 5, 3, null), T0.plusMillis(1)).await().task();
      store.insert(task("resize", "images", 5, 3, null), T0.plusMillis(2)).await().task();

      TaskPage page = store.list(filter(TaskState.AVAILABLE, "resize", "mail", null, 10)).await();

      assertEquals(List.of(wanted.id()), ids(page.tasks()));
    }

    @Test
    void list_pages_cover_every_task_exactly_once_and_the_last_page_has_no_next() {
      List<UUID> inserted = insertTasks(7);

      List<TaskPage> pages = allPages(3);

      assertEquals(List.of(3, 3, 1), pages.stream().map(page -> page.tasks().size()).toList());
      assertEquals(
          reversed(inserted), pages.stream().flatMap(page -> ids(page.tasks()).stream()).toList());
      assertNotNull(pages.get(0).next());
      assertNull(pages.get(2).next());
    }

    @Test
    void list_has_no_next_when_the_last_page_is_exactly_full() {
      List<UUID> inserted = insertTasks(6);

      List<TaskPage> pages = allPages(3);

      assertEquals(2, pages.size());
      assertEquals(
          reversed(inserted), pages.stream().flatMap(page -> ids(page.tasks()).stream()).toList());
      assertNull(pages.get(1).next());
    }

    private List<TaskPage> allPages(int limit) {
      List<TaskPage> pages = new ArrayList<>();
      UUID after = null;
      do {
        TaskPage page = store.list(filter(null, null, null, after, limit)).await();
        pages.add(page);
        after = page.next();
        assertTrue(pages.size() <= 100, "pagination does not end");
      } while (after != null);
      return pages;
    }
  }

  @Nested
  class TaskClaimAvailable {

    @Test
    void claimAvailable_claims_at_most_limit_tasks() {
      insertTasks(5);

      List<Task> first = attempts.claim(BLOCKING, 3, NODE, T0.plusSeconds(1), LEASE).await();
      List<Task> second = attempts.claim(BLOCKING, 3, NODE, T0.plusSeconds(1), LEASE).await();
      List<Task> third = attempts.claim(BLOCKING, 3, NODE, T0.plusSeconds(1), LEASE).await();

      assertEquals(3, first.size());
      assertEquals(2, second.size());
      assertEquals(List.of(), third);
    }

    @Test
    void claimAvailable_claims_lower_priority_first_then_the_longest_due() {
      UUID oldLow = store.insert(prioritized(5), T0).await().task().id();
      UUID oldHigh = store.insert(prioritized(1), T0.plusSeconds(1)).await().task().id();
      UUID newLow = store.insert(prioritized(5), T0.plusSeconds(2)).await().task().id();
      UUID newHigh = store.insert(prioritized(1), T0.plusSeconds(3)).await().task().id();
      UUID urgent = store.insert(prioritized(0), T0.plusSeconds(4)).await().task().id();

      List<UUID> claimOrder = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        claimOrder.add(claimOne(T0.plusSeconds(10)).id());
      }

      assertEquals(List.of(urgent, oldHigh, newHigh, oldLow, newLow), claimOrder);
    }

    @Test
    void claimAvailable_skips_a_scheduled_task_until_the_clock_reaches_it() {
      Instant runAt = T0.plus(Duration.ofMinutes(5));
      UUID id = store.insert(scheduledTask("a", runAt), T0).await().task().id();

      assertEquals(List.of(), attempts.claim(BLOCKING, 10, NODE, T0, LEASE).await());
      assertEquals(
          List.of(), attempts.claim(BLOCKING, 10, NODE, runAt.minusMillis(1), LEASE).await());
      assertEquals(List.of(id), ids(attempts.claim(BLOCKING, 10, NODE, runAt, LEASE).await()));
    }

    @Test
    void claimAvailable_marks_the_task_running_for_this_node_with_a_lease() {
      UUID id = store.insert(newTask("a"), T0).await().task().id();
      Instant now = T0.plusSeconds(2);

      Task claimed = attempts.claim(BLOCKING, 1, NODE, now, LEASE).await().get(0);

      assertEquals(id, claimed.id());
      assertEquals(TaskState.RUNNING, claimed.state());
      assertEquals(1, claimed.attempt());
      assertEquals(NODE, claimed.attemptedBy());
      assertEquals(now, claimed.attemptedAt());
      assertNull(claimed.finalizedAt());
      assertEquals(Optional.of(claimed), store.get(id).await());
      assertEquals(now.plus(LEASE), leaseExpiresAt(id));
    }

    @Test
    void claimAvailable_claims_a_retryable_task_once_its_retry_time_has_passed() {
      UUID id = store.insert(newTask("a"), T0).await().task().id();
      claimOne(T0);
      Instant retryAt = T0.plusSeconds(60);
      attempts
          .endAttempts(List.of(retry(id, 1, T0.plusSeconds(1), retryAt)), T0.plusSeconds(1))
          .await();

      assertEquals(
          List.of(), attempts.claim(BLOCKING, 10, NODE, retryAt.minusMillis(1), LEASE).await());
      Task reclaimed = attempts.claim(BLOCKING, 10, OTHER_NODE, retryAt, LEASE).await().get(0);

      assertEquals(id, reclaimed.id());
      assertEquals(2, reclaimed.attempt());
      assertEquals(OTHER_NODE, reclaimed.attemptedBy());
      assertEquals(retryAt, reclaimed.attemptedAt());
    }

    @Test
    void claimAvailable_clears_the_progress_of_the_previous_attempt() {
      UUID id = store.insert(newTask("a"), T0).await().task().id();
      claimOne(T0);
      attempts.setProgress(List.of(new ProgressReport(id, 1, 0.5))).await();
      attempts.endAttempts(List.of(retry(id, 1, T0, T0)), T0).await();

      Task reclaimed = claimOne(T0.plusSeconds(1));

      assertEquals(2, reclaimed.attempt());
      assertNull(reclaimed.progress());
    }

    @Test
    void claimAvailable_never_claims_running_or_finished_tasks() {
      insertTasks(3);
      List<Task> claimed = attempts.claim(BLOCKING, 3, NODE, T0.plusSeconds(1), LEASE).await();
      attempts
          .endAttempts(
              List.of(
                  completed(claimed.get(0).id(), 1, "{}"),
                  discard(claimed.get(1).id(), 1, T0.plusSeconds(2))),
              T0.plusSeconds(2))
          .await();
      // claimed.get(2) stays running.

      assertEquals(
          List.of(),
          attempts.claim(BLOCKING, 10, OTHER_NODE, T0.plus(Duration.ofDays(365)), LEASE).await());
    }

    @Test
    void claimAvailable_never_claims_a_cancelled_task() {
      sql(
          """
          INSERT INTO offload_task_done (id, kind, queue, state, priority, max_attempts, timeout_ms,
                                         created_at, scheduled_at, finalized_at)
          VALUES ($1, 'a', 'default', 'cancelled', 5, 3, 1000, $2, $2, $2)""",
          UUID.randomUUID(),
          utc(T0));

      assertEquals(
          List.of(), attempts.claim(BLOCKING, 10, NODE, T0.plusSeconds(60), LEASE).await());
    }

    @Test
    void claimAvailable_by_many_concurrent_claimers_hands_out_every_task_exactly_once() {
      int taskCount = 500;
      int claimers = 8;
      Pool bigPool =
          Database.pool(
              vertx,
              new DatabaseConfig(
                  db.config().url(),
                  db.schema(),
                  claimers,
                  PgTestDatabase.MAX_WAIT_QUEUE,
                  Duration.ofMillis(200)));
      try {
        Wakeups sharedWakeups = wakeups(bigPool);
        TaskStore sharedStore =
            new TaskStore(
                bigPool,
                sharedWakeups,
                new TaskChanges(bigPool, "unwatched"),
                db.config(),
                CLOCK,
                RETENTION);
        AttemptStore sharedAttempts =
            new AttemptStore(bigPool, sharedWakeups, new TaskChanges(bigPool, "unwatched"));
        Future.all(
                IntStream.range(0, taskCount)
                    .mapToObj(i -> sharedStore.insert(prioritized(i % 10), T0.plusMillis(i)))
                    .toList())
            .await();

        List<UUID> claimedIds = new ArrayList<>();
        Set<String> nodesThatClaimed = new HashSet<>();
        boolean claimedAny = true;
        for (int round = 0; claimedAny; round++) {
          assertTrue(round < taskCount, "claiming does not end");
          List<Future<List<Task>>> claims =
              IntStream.range(0, claimers)
                  .mapToObj(
                      i ->
                          sharedAttempts.claim(BLOCKING, 7, "node-" + i, T0.plusSeconds(60), LEASE))
                  .toList();
          Future.all(claims).await();
          claimedAny = false;
          for (Future<List<Task>> claim : claims) {
            for (Task task : claim.result()) {
              claimedIds.add(task.id());
              nodesThatClaimed.add(task.attemptedBy());
              claimedAny = true;
            }
          }
        }

        assertEquals(taskCount, new HashSet<>(claimedIds).size(), "every task was handed out");
        assertEquals(taskCount, claimedIds.size(), "no task was handed out twice");
        assertTrue(nodesThatClaimed.size() > 1, "claimers ran side by side: " + nodesThatClaimed);
        Row totals =
            sql("SELECT count(*) AS running, max(attempt) AS max_attempt FROM offload_task_all "
                    + "WHERE state = 'running'")
                .iterator()
                .next();
        assertEquals(taskCount, totals.getLong("running"));
        assertEquals(1, totals.getInteger("max_attempt"), "no task was claimed twice");
      } finally {
        bigPool.close().await();
      }
    }

    @Test
    void claimAvailable_skips_rows_locked_by_another_transaction() throws Exception {
      UUID locked = store.insert(prioritized(0), T0).await().task().id();
      UUID free = store.insert(prioritized(9), T0).await().task().id();

      SqlConnection connection = pool.getConnection().await();
      try {
        Transaction transaction = connection.begin().await();
        connection
            .preparedQuery("SELECT id FROM offload_task WHERE id = $1 FOR UPDATE")
            .execute(Tuple.of(locked))
            .await();

        // A claim that waited for the lock would time out here instead of returning.
        List<Task> claimed =
            attempts.claim(BLOCKING, 10, NODE, T0.plusSeconds(1), LEASE).await(5, TimeUnit.SECONDS);
        assertEquals(List.of(free), ids(claimed));

        transaction.rollback().await();
      } finally {
        connection.close().await();
      }
      assertEquals(
          List.of(locked),
          ids(attempts.claim(BLOCKING, 10, NODE, T0.plusSeconds(1), LEASE).await()));
    }
  }

  @Nested
  class TaskEndAttempts {

    @Test
    void endAttempts_completes_a_task_with_its_result() {
      UUID id = insertAndClaim();
      attempts.setProgress(List.of(new ProgressReport(id, 1, 0.4))).await();
      Instant now = T0.plusSeconds(5);

      int written = attempts.endAttempts(List.of(completed(id, 1, "{\"size\":42}")), now).await();

      assertEquals(1, written);
      Task task = store.get(id).await().orElseThrow();
      assertEquals(TaskState.COMPLETED, task.state());
      assertEquals(new JsonObject().put("size", 42), task.result());
      assertEquals(1.0, task.progress());
      assertEquals(now, task.finalizedAt());
      assertEquals(List.of(), task.errors());
      assertNull(leaseExpiresAt(id));
    }

    @Test
    void endAttempts_keeps_any_json_value_as_a_result_and_json_null_as_null() {
      UUID text = insertAndClaim();
      UUID nothing = insertAndClaim();

      attempts
          .endAttempts(List.of(completed(text, 1, "\"done\""), completed(nothing, 1, "null")), T0)
          .await();

      assertEquals("done", store.get(text).await().orElseThrow().result());
      Task nullResult = store.get(nothing).await().orElseThrow();
      assertEquals(TaskState.COMPLETED, nullResult.state());
      assertNull(nullResult.result());
    }

    @Test
    void endAttempts_records_a_retryable_failure_and_schedules_the_retry() {
      UUID id = insertAndClaim();
      Instant failedAt = T0.plusSeconds(3);
      Instant retryAt = T0.plusSeconds(63);

      int written =
          attempts.endAttempts(List.of(retry(id, 1, failedAt, retryAt)), failedAt).await();

      assertEquals(1, written);
      Task task = store.get(id).await().orElseThrow();
      assertEquals(TaskState.RETRYABLE, task.state());
      assertEquals(retryAt, task.scheduledAt());
      assertEquals(List.of(new AttemptError(failedAt, 1, "boom at attempt 1")), task.errors());
      assertNull(task.finalizedAt());
      assertNull(task.result());
      assertNull(leaseExpiresAt(id));
    }

    @Test
    void endAttempts_keeps_the_errors_of_every_failed_attempt_in_order() {
      UUID id = insertAndClaim();
      attempts
          .endAttempts(
              List.of(retry(id, 1, T0.plusSeconds(1), T0.plusSeconds(2))), T0.plusSeconds(1))
          .await();
      claimOne(T0.plusSeconds(2));
      attempts.endAttempts(List.of(discard(id, 2, T0.plusSeconds(3))), T0.plusSeconds(3)).await();

      Task task = store.get(id).await().orElseThrow();
      assertEquals(
          List.of(
              new AttemptError(T0.plusSeconds(1), 1, "boom at attempt 1"),
              new AttemptError(T0.plusSeconds(3), 2, "boom at attempt 2")),
          task.errors());
    }

    @Test
    void endAttempts_discards_a_task_for_good() {
      UUID id = insertAndClaim();
      Instant now = T0.plusSeconds(4);

      attempts.endAttempts(List.of(discard(id, 1, now)), now).await();

      Task task = store.get(id).await().orElseThrow();
      assertEquals(TaskState.DISCARDED, task.state());
      assertEquals(now, task.finalizedAt());
      assertEquals(List.of(new AttemptError(now, 1, "boom at attempt 1")), task.errors());
      assertEquals(
          List.of(),
          attempts.claim(BLOCKING, 10, NODE, now.plus(Duration.ofDays(1)), LEASE).await());
    }

    @Test
    void endAttempts_drops_the_late_outcome_of_an_attempt_that_was_already_ended() {
      UUID id = insertAndClaim();
      attempts
          .endAttempts(
              List.of(retry(id, 1, T0.plusSeconds(1), T0.plusSeconds(1))), T0.plusSeconds(1))
          .await();
      claimOne(T0.plusSeconds(2)); // attempt 2 now runs
      Task before = store.get(id).await().orElseThrow();

      int written =
          attempts
              .endAttempts(List.of(completed(id, 1, "{\"late\":true}")), T0.plusSeconds(3))
              .await();

      assertEquals(0, written);
      assertEquals(before, store.get(id).await().orElseThrow());
      assertEquals(T0.plusSeconds(2).plus(LEASE), leaseExpiresAt(id));
    }

    @Test
    void endAttempts_drops_a_second_outcome_for_an_attempt_already_written() {
      UUID id = insertAndClaim();
      attempts
          .endAttempts(List.of(completed(id, 1, "{\"first\":true}")), T0.plusSeconds(1))
          .await();
      Task before = store.get(id).await().orElseThrow();

      int written =
          attempts
              .endAttempts(List.of(discard(id, 1, T0.plusSeconds(2))), T0.plusSeconds(2))
              .await();

      assertEquals(0, written);
      assertEquals(before, store.get(id).await().orElseThrow());
    }

    @Test
    void endAttempts_writes_several_outcomes_in_one_call() {
      UUID done = insertAndClaim();
      UUID retried = insertAndClaim();
      UUID discarded = insertAndClaim();
      UUID stale = insertAndClaim();
      Instant now = T0.plusSeconds(9);

      int written =
          attempts
              .endAttempts(
                  List.of(
                      completed(done, 1, "1"),
                      retry(retried, 1, now, now.plusSeconds(30)),
                      discard(discarded, 1, now),
                      completed(stale, 5, "2")),
                  now)
              .await();

      assertEquals(3, written);
      assertEquals(TaskState.COMPLETED, store.get(done).await().orElseThrow().state());
      assertEquals(1, store.get(done).await().orElseThrow().result());
      assertEquals(TaskState.RETRYABLE, store.get(retried).await().orElseThrow().state());
      assertEquals(now.plusSeconds(30), store.get(retried).await().orElseThrow().scheduledAt());
      assertEquals(TaskState.DISCARDED, store.get(discarded).await().orElseThrow().state());
      assertEquals(TaskState.RUNNING, store.get(stale).await().orElseThrow().state());
    }
  }

  @Nested
  class TaskProgressOfWaitingTasks {

    @Test
    void
        endAttempts_clears_the_progress_of_a_task_that_will_be_retried_and_keeps_that_of_a_final_one() {
      UUID retried = insertAndClaim();
      UUID discarded = insertAndClaim();
      attempts
          .setProgress(
              List.of(new ProgressReport(retried, 1, 0.5), new ProgressReport(discarded, 1, 0.7)))
          .await();

      attempts
          .endAttempts(
              List.of(retry(retried, 1, T0, T0.plusSeconds(60)), discard(discarded, 1, T0)), T0)
          .await();

      assertNull(store.get(retried).await().orElseThrow().progress());
      assertEquals(
          0.7,
          store.get(discarded).await().orElseThrow().progress(),
          "how far its last attempt got");
    }

    @Test
    void retry_clears_the_progress_of_the_last_attempt() {
      UUID id = store.insert(task("a", NewTask.DEFAULT_QUEUE, 5, 1, null), T0).await().task().id();
      claimOne(T0);
      attempts.setProgress(List.of(new ProgressReport(id, 1, 0.5))).await();
      attempts.endAttempts(List.of(discard(id, 1, T0.plusSeconds(1))), T0.plusSeconds(1)).await();

      Task retried = store.retry(id, T0.plusSeconds(2)).await().orElseThrow();

      assertNull(retried.progress());
      assertNull(store.get(id).await().orElseThrow().progress());
    }

    @Test
    void rescueStuck_clears_the_progress_of_a_task_it_makes_retryable() {
      UUID id = insertAndClaim();
      attempts.setProgress(List.of(new ProgressReport(id, 1, 0.5))).await();

      attempts.rescueStuck(T0.plus(LEASE).plusSeconds(1), 10).await();

      assertEquals(TaskState.RETRYABLE, store.get(id).await().orElseThrow().state());
      assertNull(store.get(id).await().orElseThrow().progress());
    }

    @Test
    void release_clears_the_progress_of_the_attempt_handed_back() {
      UUID id = insertAndClaim();
      attempts.setProgress(List.of(new ProgressReport(id, 1, 0.5))).await();

      attempts.release(List.of(id), NODE).await();

      assertNull(store.get(id).await().orElseThrow().progress());
    }
  }

  @Nested
  class TaskRenewLeases {

    @Test
    void renewLeases_extends_only_the_running_tasks_of_that_node() {
      UUID mine = insertAndClaim(NODE);
      UUID theirs = insertAndClaim(OTHER_NODE);
      UUID finished = insertAndClaim(NODE);
      attempts.endAttempts(List.of(completed(finished, 1, "{}")), T0).await();
      UUID waiting = store.insert(newTask("a"), T0).await().task().id();
      Instant renewedUntil = T0.plus(Duration.ofMinutes(10));

      List<UUID> cancelRequested =
          attempts
              .renewLeases(List.of(mine, theirs, finished, waiting), NODE, renewedUntil)
              .await();

      assertTrue(cancelRequested.isEmpty());
      assertEquals(renewedUntil, leaseExpiresAt(mine));
      assertEquals(T0.plus(LEASE), leaseExpiresAt(theirs));
      assertNull(leaseExpiresAt(finished));
      assertNull(leaseExpiresAt(waiting));
    }

    @Test
    void renewLeases_returns_the_running_tasks_whose_cancellation_was_requested() {
      UUID cancelled = insertAndClaim(NODE);
      UUID going = insertAndClaim(NODE);
      store.cancel(cancelled, T0).await();

      List<UUID> cancelRequested =
          attempts
              .renewLeases(List.of(cancelled, going), NODE, T0.plus(Duration.ofMinutes(10)))
              .await();

      assertEquals(List.of(cancelled), cancelRequested);
    }

    @Test
    void renewLeases_leaves_tasks_not_named_alone() {
      UUID named = insertAndClaim(NODE);
      UUID unnamed = insertAndClaim(NODE);

      attempts.renewLeases(List.of(named), NODE, T0.plus(Duration.ofMinutes(10))).await();

      assertEquals(T0.plus(LEASE), leaseExpiresAt(unnamed));
    }
  }

  @Nested
  class TaskSetProgress {

    @Test
    void setProgress_updates_only_the_matching_running_attempt() {
      UUID running = insertAndClaim();
      UUID staleAttempt = insertAndClaim();
      UUID waiting = store.insert(newTask("a"), T0).await().task().id();

      int updated =
          attempts
              .setProgress(
                  List.of(
                      new ProgressReport(running, 1, 0.25),
                      new ProgressReport(staleAttempt, 2, 0.5),
                      new ProgressReport(waiting, 0, 0.75)))
              .await();

      assertEquals(1, updated);
      assertEquals(0.25, store.get(running).await().orElseThrow().progress());
      assertNull(store.get(staleAttempt).await().orElseThrow().progress());
      assertNull(store.get(waiting).await().orElseThrow().progress());
    }

    @Test
    void setProgress_does_not_touch_a_finished_task() {
      UUID id = insertAndClaim();
      attempts.endAttempts(List.of(discard(id, 1, T0)), T0).await();

      assertEquals(0, attempts.setProgress(List.of(new ProgressReport(id, 1, 0.5))).await());
      assertNull(store.get(id).await().orElseThrow().progress());
    }
  }

  @Nested
  class TaskRelease {

    @Test
    void release_makes_a_running_task_available_without_counting_the_attempt() {
      UUID id = insertAndClaim(NODE);

      int released = attempts.release(List.of(id), NODE).await();

      assertEquals(1, released);
      Task task = store.get(id).await().orElseThrow();
      assertEquals(TaskState.AVAILABLE, task.state());
      assertEquals(0, task.attempt());
      assertNull(leaseExpiresAt(id));
      assertEquals(1, claimOne(T0.plusSeconds(1)).attempt());
    }

    @Test
    void release_ignores_tasks_attempted_by_another_node() {
      UUID id = insertAndClaim(NODE);

      assertEquals(0, attempts.release(List.of(id), OTHER_NODE).await());
      Task task = store.get(id).await().orElseThrow();
      assertEquals(TaskState.RUNNING, task.state());
      assertEquals(1, task.attempt());
    }

    @Test
    void release_ignores_tasks_that_are_not_running() {
      UUID id = insertAndClaim(NODE);
      attempts.endAttempts(List.of(completed(id, 1, "{}")), T0).await();

      assertEquals(0, attempts.release(List.of(id), NODE).await());
      assertEquals(TaskState.COMPLETED, store.get(id).await().orElseThrow().state());
    }
  }

  @Nested
  class TaskRescueStuck {

    @Test
    void rescueStuck_makes_a_task_with_an_expired_lease_retryable_and_records_why() {
      UUID id = insertAndClaim(NODE); // leased until T0 + 30 s
      Instant now = T0.plus(LEASE).plusSeconds(1);

      int rescued = attempts.rescueStuck(now, 100).await();

      assertEquals(1, rescued);
      Task task = store.get(id).await().orElseThrow();
      assertEquals(TaskState.RETRYABLE, task.state());
      assertEquals(now, task.scheduledAt());
      assertNull(task.finalizedAt());
      assertNull(leaseExpiresAt(id));
      assertEquals(1, task.errors().size());
      AttemptError error = task.errors().get(0);
      assertEquals(now, error.at());
      assertEquals(1, error.attempt());
      assertTrue(error.message().contains("lease expired"), error.message());
      assertTrue(error.message().contains(NODE), error.message());
      assertFalse(error.message().contains("discarded"), error.message());
      assertEquals(List.of(id), ids(attempts.claim(BLOCKING, 10, OTHER_NODE, now, LEASE).await()));
    }

    @Test
    void rescueStuck_discards_a_task_that_used_its_last_attempt() {
      UUID id = store.insert(task("a", NewTask.DEFAULT_QUEUE, 5, 1, null), T0).await().task().id();
      claimOne(T0);
      Instant now = T0.plus(LEASE).plusSeconds(1);

      assertEquals(1, attempts.rescueStuck(now, 100).await());

      Task task = store.get(id).await().orElseThrow();
      assertEquals(TaskState.DISCARDED, task.state());
      assertEquals(now, task.finalizedAt());
      String message = task.errors().get(0).message();
      assertTrue(message.contains("lease expired"), message);
      assertTrue(
          message.contains(
              "discarded after 1 attempts: the task may be killing the nodes that run it"),
          message);
    }

    @Test
    void rescueStuck_leaves_a_task_whose_lease_has_not_expired() {
      UUID id = insertAndClaim(NODE); // leased until T0 + 30 s
      Task before = store.get(id).await().orElseThrow();

      assertEquals(0, attempts.rescueStuck(T0.plus(LEASE), 100).await());

      assertEquals(before, store.get(id).await().orElseThrow());
      assertEquals(T0.plus(LEASE), leaseExpiresAt(id));
    }

    @Test
    void rescueStuck_rescues_at_most_a_batch_the_oldest_lease_first() {
      UUID oldest = store.insert(newTask("a"), T0).await().task().id();
      attempts.claim(BLOCKING, 1, NODE, T0, LEASE).await();
      UUID newer = store.insert(newTask("a"), T0).await().task().id();
      attempts.claim(BLOCKING, 1, NODE, T0.plusSeconds(5), LEASE).await();
      Instant now = T0.plus(Duration.ofMinutes(5));

      assertEquals(1, attempts.rescueStuck(now, 1).await());

      assertEquals(TaskState.RETRYABLE, store.get(oldest).await().orElseThrow().state());
      assertEquals(TaskState.RUNNING, store.get(newer).await().orElseThrow().state());
    }
  }

  @Nested
  class TaskInsertWithUniqueKey {

    @Test
    void insert_with_a_known_unique_key_returns_the_existing_task_not_created() {
      Submitted first = store.insert(keyed("order-42"), T0).await();
      Submitted second = store.insert(keyed("order-42"), T0.plusSeconds(1)).await();

      assertTrue(first.created());
      assertFalse(second.created());
      assertEquals(first.task().id(), second.task().id());
      assertEquals("order-42", second.task().uniqueKey());
      assertEquals(1L, count("SELECT count(*) FROM offload_task_all"));
    }

    @Test
    void a_unique_key_whose_task_was_deleted_by_hand_is_taken_by_the_next_insert_of_each_kind()
        throws Exception {
      for (String key : List.of("one", "many", "each")) {
        UUID gone = store.insert(keyed(key), T0).await().task().id();
        sql("DELETE FROM offload_task WHERE id = $1", gone);
      }

      // Bounded: before the fix, the single insert retried forever.
      Submitted one = store.insert(keyed("one"), T0).await(5, TimeUnit.SECONDS);
      UUID many =
          store
              .insertMany(List.of(newTask("a"), keyed("many")), T0)
              .await(5, TimeUnit.SECONDS)
              .get(1);
      Submitted each =
          store
              .insertEach(List.of(keyed("each"), keyed("each")), T0)
              .await(5, TimeUnit.SECONDS)
              .get(0);

      assertTrue(one.created());
      assertTrue(each.created());
      assertEquals(one.task(), store.insert(keyed("one"), T0).await().task());
      assertEquals(many, store.insert(keyed("many"), T0).await().task().id());
      assertEquals(each.task(), store.insert(keyed("each"), T0).await().task());
      assertEquals(4L, count("SELECT count(*) FROM offload_task_all"));
    }

    @Test
    void concurrent_inserts_with_one_unique_key_create_exactly_one_task() {
      int submitters = 16;
      Pool bigPool =
          Database.pool(
              vertx,
              new DatabaseConfig(
                  db.config().url(),
                  db.schema(),
                  submitters,
                  PgTestDatabase.MAX_WAIT_QUEUE,
                  Duration.ofMillis(200)));
      try {
        TaskStore sharedStore =
            new TaskStore(
                bigPool,
                wakeups(bigPool),
                new TaskChanges(bigPool, "unwatched"),
                db.config(),
                CLOCK,
                RETENTION);
        List<Future<Submitted>> all =
            IntStream.range(0, submitters)
                .mapToObj(i -> sharedStore.insert(keyed("same-key"), T0))
                .toList();
        Future.all(all).await();

        assertEquals(1, all.stream().filter(f -> f.result().created()).count());
        assertEquals(1, all.stream().map(f -> f.result().task().id()).distinct().count());
        assertEquals(1L, count("SELECT count(*) FROM offload_task_all"));
      } finally {
        bigPool.close().await();
      }
    }
  }

  @Nested
  class TaskInsertMany {

    @Test
    void insertMany_inserts_every_task_and_returns_their_ids_in_order() {
      List<NewTask> tasks = IntStream.range(0, 500).mapToObj(i -> prioritized(i % 10)).toList();

      List<UUID> ids = store.insertMany(tasks, T0).await();

      assertEquals(500, ids.size());
      assertEquals(500, new HashSet<>(ids).size());
      for (int i = 0; i < 500; i += 97) {
        assertEquals(i % 10, store.get(ids.get(i)).await().orElseThrow().priority());
      }
    }

    @Test
    void insertMany_is_all_or_nothing() {
      List<NewTask> tasks = List.of(newTask("a"), task("b", NewTask.DEFAULT_QUEUE, 42, 3, null));

      assertThrows(PgException.class, () -> store.insertMany(tasks, T0).await());

      assertEquals(0L, count("SELECT count(*) FROM offload_task_all"));
    }

    @Test
    void insertMany_gives_a_known_unique_key_the_existing_id_also_within_the_batch() {
      UUID existing = store.insert(keyed("k1"), T0).await().task().id();

      List<UUID> ids =
          store
              .insertMany(List.of(keyed("k1"), keyed("k2"), newTask("a"), keyed("k2")), T0)
              .await();

      assertEquals(existing, ids.get(0));
      assertEquals(ids.get(1), ids.get(3));
      assertEquals(3L, count("SELECT count(*) FROM offload_task_all"));
    }

    @Test
    void insertMany_schedules_delayed_tasks() {
      List<UUID> ids =
          store
              .insertMany(List.of(scheduledTask("a", T0.plusSeconds(60)), newTask("b")), T0)
              .await();

      assertEquals(TaskState.SCHEDULED, store.get(ids.get(0)).await().orElseThrow().state());
      assertEquals(TaskState.AVAILABLE, store.get(ids.get(1)).await().orElseThrow().state());
    }
  }

  @Nested
  class TaskInsertEach {

    @Test
    void insertEach_returns_every_task_whole_and_in_order() {
      List<Submitted> submitted =
          store
              .insertEach(
                  List.of(prioritized(1), scheduledTask("b", T0.plusSeconds(60)), prioritized(7)),
                  T0)
              .await();

      assertEquals(List.of(1, 5, 7), submitted.stream().map(s -> s.task().priority()).toList());
      assertTrue(submitted.stream().allMatch(Submitted::created));
      assertEquals(TaskState.SCHEDULED, submitted.get(1).task().state());
      assertEquals(
          submitted.get(2).task(), store.get(submitted.get(2).task().id()).await().orElseThrow());
    }

    @Test
    void insertEach_answers_a_taken_unique_key_with_the_existing_task_also_within_the_group() {
      Task existing = store.insert(keyed("k1"), T0).await().task();

      List<Submitted> submitted =
          store.insertEach(List.of(keyed("k1"), keyed("k2"), keyed("k2")), T0).await();

      assertEquals(new Submitted(existing, false), submitted.get(0));
      assertTrue(submitted.get(1).created());
      assertEquals(new Submitted(submitted.get(1).task(), false), submitted.get(2));
      assertEquals(2L, count("SELECT count(*) FROM offload_task_all"));
    }
  }

  @Nested
  class TaskCancel {

    @Test
    void cancel_makes_a_waiting_task_cancelled_at_once() {
      UUID id = store.insert(newTask("a"), T0).await().task().id();

      Task cancelled = store.cancel(id, T0.plusSeconds(1)).await().orElseThrow();

      assertEquals(TaskState.CANCELLED, cancelled.state());
      assertEquals(T0.plusSeconds(1), cancelled.finalizedAt());
      assertTrue(attempts.claim(BLOCKING, 10, NODE, T0.plusSeconds(2), LEASE).await().isEmpty());
    }

    @Test
    void cancel_of_a_delayed_task_ends_it_due_no_later_than_it_was_cancelled() {
      UUID id =
          store.insert(scheduledTask("a", T0.plus(Duration.ofHours(1))), T0).await().task().id();

      Task cancelled = store.cancel(id, T0.plusSeconds(1)).await().orElseThrow();

      assertEquals(T0.plusSeconds(1), cancelled.finalizedAt());
      assertEquals(T0.plusSeconds(1), cancelled.scheduledAt());
      assertEquals(cancelled, store.get(id).await().orElseThrow());
    }

    @Test
    void cancel_of_a_task_already_due_keeps_the_time_it_was_due() {
      UUID id = store.insert(newTask("a"), T0).await().task().id();

      Task cancelled = store.cancel(id, T0.plusSeconds(1)).await().orElseThrow();

      assertEquals(T0, cancelled.scheduledAt());
    }

    @Test
    void cancel_leaves_a_running_task_running_with_the_request_recorded() {
      UUID id = insertAndClaim();

      Task requested = store.cancel(id, T0.plusSeconds(1)).await().orElseThrow();

      assertEquals(TaskState.RUNNING, requested.state());
      assertEquals(T0.plusSeconds(1), requested.cancelRequestedAt());
      assertNull(requested.finalizedAt());
    }

    @Test
    void a_failed_attempt_of_a_task_whose_cancellation_was_requested_ends_it_cancelled() {
      UUID id = insertAndClaim();
      store.cancel(id, T0.plusSeconds(1)).await();

      attempts
          .endAttempts(
              List.of(retry(id, 1, T0.plusSeconds(2), T0.plusSeconds(60))), T0.plusSeconds(2))
          .await();

      Task task = store.get(id).await().orElseThrow();
      assertEquals(TaskState.CANCELLED, task.state());
      assertEquals(T0.plusSeconds(2), task.finalizedAt());
      assertEquals(1, task.errors().size());
    }

    @Test
    void a_running_task_whose_cancellation_was_requested_still_completes_if_its_handler_finished() {
      UUID id = insertAndClaim();
      store.cancel(id, T0.plusSeconds(1)).await();

      attempts.endAttempts(List.of(completed(id, 1, "\"done\"")), T0.plusSeconds(2)).await();

      assertEquals(TaskState.COMPLETED, store.get(id).await().orElseThrow().state());
    }

    @Test
    void a_rescued_task_whose_cancellation_was_requested_ends_cancelled() {
      UUID id = insertAndClaim();
      store.cancel(id, T0.plusSeconds(1)).await();

      attempts.rescueStuck(T0.plus(Duration.ofMinutes(5)), 10).await();

      assertEquals(TaskState.CANCELLED, store.get(id).await().orElseThrow().state());
    }

    @Test
    void cancel_of_a_final_or_unknown_task_changes_nothing() {
      UUID id = insertAndClaim();
      attempts.endAttempts(List.of(completed(id, 1, "1")), T0.plusSeconds(1)).await();

      assertTrue(store.cancel(id, T0.plusSeconds(2)).await().isEmpty());
      assertTrue(store.cancel(UUID.randomUUID(), T0.plusSeconds(2)).await().isEmpty());
      assertEquals(TaskState.COMPLETED, store.get(id).await().orElseThrow().state());
    }
  }

  @Nested
  class TaskRetry {

    @Test
    void retry_makes_a_discarded_task_available_with_one_more_attempt_allowed() {
      UUID id = store.insert(task("a", NewTask.DEFAULT_QUEUE, 5, 1, null), T0).await().task().id();
      attempts.claim(BLOCKING, 1, NODE, T0, LEASE).await();
      attempts.endAttempts(List.of(discard(id, 1, T0.plusSeconds(1))), T0.plusSeconds(1)).await();

      Task retried = store.retry(id, T0.plusSeconds(2)).await().orElseThrow();

      assertEquals(TaskState.AVAILABLE, retried.state());
      assertNull(retried.finalizedAt());
      assertEquals(2, retried.maxAttempts());
      assertEquals(1, retried.errors().size(), "the history stays");
      assertEquals(2, claimOne(T0.plusSeconds(3)).attempt());
    }

    @Test
    void retry_makes_a_cancelled_task_available_and_clears_the_cancel_request() {
      UUID id = store.insert(newTask("a"), T0).await().task().id();
      store.cancel(id, T0).await();

      Task retried = store.retry(id, T0.plusSeconds(1)).await().orElseThrow();

      assertEquals(TaskState.AVAILABLE, retried.state());
      assertNull(retried.cancelRequestedAt());
    }

    @Test
    void retry_refuses_tasks_that_are_not_discarded_or_cancelled() {
      UUID running = insertAndClaim();
      UUID waiting = store.insert(newTask("a"), T0).await().task().id();

      assertTrue(store.retry(waiting, T0).await().isEmpty());
      assertTrue(store.retry(running, T0).await().isEmpty());
      assertEquals(TaskState.RUNNING, store.get(running).await().orElseThrow().state());
    }
  }

  @Nested
  class TaskClaimByScope {

    @Test
    void each_task_is_stored_in_its_lane_and_each_lane_is_claimed_on_its_own() {
      UUID fetch =
          store.insert(task("http", NewTask.DEFAULT_QUEUE, 5, 3, null), T0).await().task().id();
      UUID sleep =
          store
              .insertMany(List.of(task("sleep", NewTask.DEFAULT_QUEUE, 5, 3, null)), T0)
              .await()
              .get(0);

      assertEquals(
          List.of(fetch),
          ids(attempts.claim(ClaimScope.inLane(Lane.ASYNC), 10, NODE, T0, LEASE).await()));
      assertEquals(List.of(sleep), ids(attempts.claim(BLOCKING, 10, NODE, T0, LEASE).await()));
    }

    @Test
    void a_claim_of_one_lane_reads_only_its_part_of_the_index() {
      for (int i = 0; i < 2_000; i++) {
        store.insert(task("sleep", NewTask.DEFAULT_QUEUE, 5, 3, null), T0).await();
      }
      sql("ANALYZE offload_task");

      String plan =
          sql(
                  "EXPLAIN (FORMAT TEXT) SELECT id FROM offload_task WHERE state IN ('available', 'scheduled',"
                      + " 'retryable') AND scheduled_at <= now() AND lane = 'async' ORDER BY priority, scheduled_at, id LIMIT 10")
              .stream()
              .map(row -> row.getString(0))
              .reduce("", String::concat);
      assertTrue(plan.contains("offload_task_due"), plan);
      assertTrue(
          attempts.claim(ClaimScope.inLane(Lane.ASYNC), 10, NODE, T0, LEASE).await().isEmpty());
    }

    @Test
    void claim_outside_queues_leaves_the_named_queues_alone() {
      UUID reports = store.insert(task("a", "reports", 5, 3, null), T0).await().task().id();
      UUID mail = store.insert(task("a", "mail", 5, 3, null), T0).await().task().id();

      List<Task> claimed =
          attempts.claim(BLOCKING.outsideQueues(Set.of("reports")), 10, NODE, T0, LEASE).await();

      assertEquals(List.of(mail), ids(claimed));
      assertEquals(TaskState.AVAILABLE, store.get(reports).await().orElseThrow().state());
    }

    @Test
    void claim_in_a_queue_takes_only_that_queue() {
      store.insert(task("a", "mail", 5, 3, null), T0).await();
      UUID report = store.insert(task("a", "reports", 5, 3, null), T0).await().task().id();

      assertEquals(
          List.of(report),
          ids(attempts.claim(BLOCKING.inQueue("reports", null), 10, NODE, T0, LEASE).await()));
    }

    @Test
    void claim_in_a_queue_keeps_the_running_attempts_of_all_nodes_within_the_global_limit() {
      for (int i = 0; i < 6; i++) {
        store.insert(task("a", "reports", 5, 3, null), T0.plusMillis(i)).await();
      }
      Instant now = T0.plusSeconds(1);
      assertEquals(
          2,
          attempts.claim(BLOCKING.inQueue("reports", 3), 2, OTHER_NODE, now, LEASE).await().size());

      assertEquals(
          1, attempts.claim(BLOCKING.inQueue("reports", 3), 10, NODE, now, LEASE).await().size());
      assertEquals(
          0, attempts.claim(BLOCKING.inQueue("reports", 3), 10, NODE, now, LEASE).await().size());
      assertEquals(3, count("SELECT count(*) FROM offload_task_all WHERE state = 'running'"));
    }

    @Test
    void every_claim_in_or_outside_queues_takes_only_its_own_lane() {
      UUID async = store.insert(task("http", "reports", 5, 3, null), T0).await().task().id();
      UUID blocking = store.insert(task("a", "mail", 5, 3, null), T0).await().task().id();
      ClaimScope asyncLane = ClaimScope.inLane(Lane.ASYNC);

      assertEquals(
          List.of(),
          attempts.claim(BLOCKING.inQueue("reports", null), 10, NODE, T0, LEASE).await());
      assertEquals(
          List.of(), attempts.claim(BLOCKING.inQueue("reports", 3), 10, NODE, T0, LEASE).await());
      assertEquals(
          List.of(),
          attempts.claim(asyncLane.outsideQueues(Set.of("reports")), 10, NODE, T0, LEASE).await());
      assertEquals(
          List.of(async),
          ids(attempts.claim(asyncLane.inQueue("reports", 3), 10, NODE, T0, LEASE).await()));
      assertEquals(
          List.of(blocking),
          ids(
              attempts
                  .claim(BLOCKING.outsideQueues(Set.of("reports")), 10, NODE, T0, LEASE)
                  .await()));
    }

    @Test
    void concurrent_claimers_never_exceed_the_global_limit() {
      for (int i = 0; i < 40; i++) {
        store.insert(task("a", "reports", 5, 3, null), T0.plusMillis(i)).await();
      }
      Pool bigPool =
          Database.pool(
              vertx,
              new DatabaseConfig(
                  db.config().url(),
                  db.schema(),
                  8,
                  PgTestDatabase.MAX_WAIT_QUEUE,
                  Duration.ofMillis(200)));
      try {
        AttemptStore sharedAttempts =
            new AttemptStore(bigPool, wakeups(bigPool), new TaskChanges(bigPool, "unwatched"));
        List<Future<List<Task>>> claims =
            IntStream.range(0, 8)
                .mapToObj(
                    i ->
                        sharedAttempts.claim(
                            BLOCKING.inQueue("reports", 5),
                            3,
                            "node-" + i,
                            T0.plusSeconds(1),
                            LEASE))
                .toList();
        Future.all(claims).await();

        assertEquals(5, claims.stream().mapToInt(claim -> claim.result().size()).sum());
        assertEquals(5, count("SELECT count(*) FROM offload_task_all WHERE state = 'running'"));
      } finally {
        bigPool.close().await();
      }
    }
  }

  @Nested
  class TaskPruneFinished {

    @Test
    void pruneFinished_deletes_only_tasks_finished_before_the_cutoff() {
      UUID old = insertAndClaim();
      attempts.endAttempts(List.of(completed(old, 1, "1")), T0.plusSeconds(1)).await();
      UUID recent = insertAndClaim();
      attempts.endAttempts(List.of(completed(recent, 1, "1")), T0.plusSeconds(10)).await();
      UUID running = insertAndClaim();
      UUID waiting = store.insert(newTask("a"), T0).await().task().id();

      assertEquals(Optional.of(1), attempts.pruneFinished(T0.plusSeconds(5), 100).await());

      assertTrue(store.get(old).await().isEmpty());
      assertTrue(store.get(recent).await().isPresent());
      assertTrue(store.get(running).await().isPresent());
      assertTrue(store.get(waiting).await().isPresent());
    }

    @Test
    void pruneFinished_deletes_at_most_one_batch() {
      for (int i = 0; i < 5; i++) {
        UUID id = insertAndClaim();
        attempts.endAttempts(List.of(completed(id, 1, "1")), T0).await();
      }

      assertEquals(Optional.of(3), attempts.pruneFinished(T0.plusSeconds(1), 3).await());
      assertEquals(Optional.of(2), attempts.pruneFinished(T0.plusSeconds(1), 3).await());
    }

    @Test
    void pruneFinished_skips_its_turn_while_another_node_prunes() throws Exception {
      UUID id = insertAndClaim();
      attempts.endAttempts(List.of(completed(id, 1, "1")), T0).await();
      SqlConnection other = pool.getConnection().await();
      try {
        Transaction holding = other.begin().await();
        other
            .query("SELECT pg_advisory_xact_lock(hashtextextended('offload.retention', 0))")
            .execute()
            .await();

        assertEquals(Optional.empty(), attempts.pruneFinished(T0.plusSeconds(1), 10).await());
        assertTrue(store.get(id).await().isPresent());

        holding.rollback().await();
        assertEquals(Optional.of(1), attempts.pruneFinished(T0.plusSeconds(1), 10).await());
      } finally {
        other.close().await();
      }
    }
  }

  @Nested
  class TaskCallbacks {

    private static final String URL = "http://127.0.0.1:9/hook";

    @Test
    void endAttempts_inserts_in_its_statement_the_callback_task_of_each_task_it_makes_final() {
      UUID completed = insertWithCallbackAndClaim("reports", 2);
      UUID discarded = insertWithCallbackAndClaim(NewTask.DEFAULT_QUEUE, 5);
      Instant now = T0.plusSeconds(5);

      attempts
          .endAttempts(List.of(completed(completed, 1, "1"), discard(discarded, 1, now)), now)
          .await();

      assertCallback(callbackOf(completed), completed, "reports", 2, now);
      assertCallback(callbackOf(discarded), discarded, NewTask.DEFAULT_QUEUE, 5, now);
    }

    @Test
    void endAttempts_inserts_no_callback_for_a_retry_nor_for_a_task_without_a_callback_url() {
      UUID retried = insertWithCallbackAndClaim(NewTask.DEFAULT_QUEUE, 5);
      UUID plain = insertAndClaim();

      attempts
          .endAttempts(
              List.of(retry(retried, 1, T0, T0.plusSeconds(60)), completed(plain, 1, "1")), T0)
          .await();

      assertEquals(
          0L, count("SELECT count(*) FROM offload_task_all WHERE kind = '" + Callbacks.KIND + "'"));
    }

    @Test
    void rescueStuck_inserts_the_callback_of_a_task_it_discards_but_not_of_one_it_retries() {
      UUID discarded =
          store.insert(withCallback(NewTask.DEFAULT_QUEUE, 5, 1), T0).await().task().id();
      UUID retried =
          store.insert(withCallback(NewTask.DEFAULT_QUEUE, 5, 3), T0).await().task().id();
      attempts.claim(BLOCKING, 2, NODE, T0, LEASE).await();
      Instant now = T0.plus(LEASE).plusSeconds(1);

      assertEquals(2, attempts.rescueStuck(now, 10).await());

      assertCallback(callbackOf(discarded), discarded, NewTask.DEFAULT_QUEUE, 5, now);
      assertEquals(
          1L, count("SELECT count(*) FROM offload_task_all WHERE kind = '" + Callbacks.KIND + "'"));
      assertEquals(TaskState.RETRYABLE, store.get(retried).await().orElseThrow().state());
    }

    @Test
    void
        cancel_inserts_the_callback_of_a_waiting_task_at_once_and_of_a_running_one_when_its_attempt_ends() {
      UUID running = insertWithCallbackAndClaim(NewTask.DEFAULT_QUEUE, 5);
      UUID waiting =
          store.insert(withCallback(NewTask.DEFAULT_QUEUE, 5, 3), T0).await().task().id();

      store.cancel(waiting, T0.plusSeconds(1)).await();
      store.cancel(running, T0.plusSeconds(1)).await();

      assertCallback(callbackOf(waiting), waiting, NewTask.DEFAULT_QUEUE, 5, T0.plusSeconds(1));
      assertEquals(
          1L, count("SELECT count(*) FROM offload_task_all WHERE kind = '" + Callbacks.KIND + "'"));

      attempts
          .endAttempts(
              List.of(retry(running, 1, T0.plusSeconds(2), T0.plusSeconds(60))), T0.plusSeconds(2))
          .await();

      assertEquals(TaskState.CANCELLED, store.get(running).await().orElseThrow().state());
      assertCallback(callbackOf(running), running, NewTask.DEFAULT_QUEUE, 5, T0.plusSeconds(2));
    }

    @Test
    void a_callback_task_wakes_this_nodes_dispatcher_and_notifies_every_node_once_committed() {
      try (TaskChannel channel = new TaskChannel()) {
        UUID id = insertWithCallbackAndClaim(NewTask.DEFAULT_QUEUE, 5);
        assertEquals("now", channel.next(), "the insert's");
        Future<Void> woken = nextLocalWake();

        attempts.endAttempts(List.of(completed(id, 1, "1")), T0.plusSeconds(1)).await();

        assertEquals("now", channel.next());
        awaitSeconds(woken);
      }
    }

    private UUID insertWithCallbackAndClaim(String queue, int priority) {
      UUID id = store.insert(withCallback(queue, priority, 3), T0).await().task().id();
      assertEquals(List.of(id), ids(attempts.claim(BLOCKING, 1, NODE, T0, LEASE).await()));
      return id;
    }

    private NewTask withCallback(String queue, int priority, int maxAttempts) {
      return new NewTask(
          "a",
          Lane.BLOCKING,
          queue,
          new JsonObject(),
          priority,
          maxAttempts,
          Duration.ofSeconds(30),
          null,
          null,
          URL,
          null,
          null,
          null);
    }

    private Task callbackOf(UUID taskId) {
      RowSet<Row> rows =
          sql(
              "SELECT id FROM offload_task_all WHERE kind = $1 AND args ->> 'task_id' = $2",
              Callbacks.KIND,
              taskId.toString());
      assertEquals(1, rows.size(), "one callback task for " + taskId);
      return store.get(rows.iterator().next().getUUID("id")).await().orElseThrow();
    }

    /**
     * Due at once, in its task's queue and at its priority, with the kind, attempts, timeout and
     * lane of Callbacks.
     */
    private void assertCallback(
        Task callback, UUID taskId, String queue, int priority, Instant finalizedAt) {
      assertEquals(Callbacks.KIND, callback.kind());
      assertEquals(Callbacks.LANE, callback.lane());
      assertEquals(Callbacks.MAX_ATTEMPTS, callback.maxAttempts());
      assertEquals(Callbacks.TIMEOUT, callback.timeout());
      assertEquals(
          new JsonObject().put("url", URL).put("task_id", taskId.toString()), callback.args());
      assertEquals(queue, callback.queue());
      assertEquals(priority, callback.priority());
      assertEquals(TaskState.AVAILABLE, callback.state());
      assertEquals(finalizedAt, callback.createdAt());
      assertEquals(finalizedAt, callback.scheduledAt());
      assertNull(callback.callbackUrl());
      assertEquals(finalizedAt, store.get(taskId).await().orElseThrow().finalizedAt());
    }
  }

  /**
   * Every statement that makes tasks due wakes this node's dispatcher and notifies every node after
   * its commit.
   */
  @Nested
  class Wakes {

    @Test
    void insert_of_a_task_due_now_wakes_this_nodes_dispatcher() {
      Future<Void> woken = nextLocalWake();

      store.insert(newTask("a"), T0).await();

      awaitSeconds(woken);
    }

    @Test
    void retry_wakes_this_nodes_dispatcher_and_notifies_now() {
      try (TaskChannel channel = new TaskChannel()) {
        UUID id = store.insert(newTask("a"), T0).await().task().id();
        store.cancel(id, T0).await();
        assertEquals("now", channel.next(), "the insert's");
        Future<Void> woken = nextLocalWake();

        store.retry(id, T0.plusSeconds(1)).await();

        assertEquals("now", channel.next());
        awaitSeconds(woken);
      }
    }

    @Test
    void release_wakes_this_nodes_dispatcher_and_notifies_now() {
      try (TaskChannel channel = new TaskChannel()) {
        UUID id = insertAndClaim(NODE);
        assertEquals("now", channel.next(), "the insert's");
        Future<Void> woken = nextLocalWake();

        attempts.release(List.of(id), NODE).await();

        assertEquals("now", channel.next());
        awaitSeconds(woken);
      }
    }

    @Test
    void rescueStuck_of_a_task_it_makes_retryable_wakes_this_nodes_dispatcher_and_notifies_now() {
      try (TaskChannel channel = new TaskChannel()) {
        insertAndClaim(NODE);
        assertEquals("now", channel.next(), "the insert's");
        Future<Void> woken = nextLocalWake();

        attempts.rescueStuck(T0.plus(LEASE).plusSeconds(1), 10).await();

        assertEquals("now", channel.next());
        awaitSeconds(woken);
      }
    }
  }

  @Nested
  class SchemaConstraints {

    @Test
    void the_schema_rejects_a_final_state_without_finalized_at() {
      PgException failure =
          assertThrows(
              PgException.class,
              () ->
                  sql(
                      """
          INSERT INTO offload_task (id, kind, queue, state, priority, max_attempts, timeout_ms,
                                    created_at, scheduled_at)
          VALUES ($1, 'a', 'default', 'completed', 5, 3, 1000, $2, $2)""",
                      UUID.randomUUID(),
                      utc(T0)));

      assertEquals("23514", failure.getSqlState());
      assertEquals("offload_task_finalized_iff_final", failure.getConstraint());
    }

    @Test
    void the_schema_rejects_a_running_task_without_a_lease() {
      UUID id = store.insert(newTask("a"), T0).await().task().id();

      PgException failure =
          assertThrows(
              PgException.class,
              () -> sql("UPDATE offload_task SET state = 'running' WHERE id = $1", id));

      assertEquals("23514", failure.getSqlState());
      assertEquals("offload_task_leased_iff_running", failure.getConstraint());
    }

    @Test
    void the_schema_rejects_an_unknown_state() {
      UUID id = store.insert(newTask("a"), T0).await().task().id();

      PgException failure =
          assertThrows(
              PgException.class,
              () -> sql("UPDATE offload_task SET state = 'paused' WHERE id = $1", id));

      assertEquals("23514", failure.getSqlState());
      assertEquals(TaskState.AVAILABLE, store.get(id).await().orElseThrow().state());
    }

    @Test
    void the_schema_rejects_progress_outside_zero_to_one() {
      UUID id = insertAndClaim();

      PgException failure =
          assertThrows(
              PgException.class,
              () -> attempts.setProgress(List.of(new ProgressReport(id, 1, 1.5))).await());

      assertEquals("23514", failure.getSqlState());
      assertNull(store.get(id).await().orElseThrow().progress());
    }
  }

  // ---- helpers

  private static NewTask task(
      String kind, String queue, int priority, int maxAttempts, Instant scheduledAt) {
    Lane lane = kind.equals("http") ? Lane.ASYNC : Lane.BLOCKING;
    return new NewTask(
        kind,
        lane,
        queue,
        new JsonObject(),
        priority,
        maxAttempts,
        Duration.ofSeconds(30),
        scheduledAt,
        null,
        null,
        null,
        null,
        null);
  }

  private static NewTask keyed(String uniqueKey) {
    return new NewTask(
        "a",
        Lane.BLOCKING,
        NewTask.DEFAULT_QUEUE,
        new JsonObject(),
        5,
        3,
        Duration.ofSeconds(30),
        null,
        uniqueKey,
        null,
        null,
        null,
        null);
  }

  private static NewTask newTask(String kind) {
    return task(kind, NewTask.DEFAULT_QUEUE, NewTask.DEFAULT_PRIORITY, 3, null);
  }

  private static NewTask scheduledTask(String kind, Instant scheduledAt) {
    return task(kind, NewTask.DEFAULT_QUEUE, NewTask.DEFAULT_PRIORITY, 3, scheduledAt);
  }

  private static NewTask prioritized(int priority) {
    return task("a", NewTask.DEFAULT_QUEUE, priority, 3, null);
  }

  private static TaskFilter filter(
      TaskState state, String kind, String queue, UUID after, int limit) {
    return new TaskFilter(state, kind, queue, after, limit);
  }

  private static AttemptEnd completed(UUID id, int attempt, String resultJson) {
    return new AttemptEnd(id, attempt, TaskState.COMPLETED, null, resultJson, null);
  }

  private static AttemptEnd retry(UUID id, int attempt, Instant failedAt, Instant retryAt) {
    return new AttemptEnd(
        id,
        attempt,
        TaskState.RETRYABLE,
        retryAt,
        null,
        new AttemptError(failedAt, attempt, "boom at attempt " + attempt));
  }

  private static AttemptEnd discard(UUID id, int attempt, Instant failedAt) {
    return new AttemptEnd(
        id,
        attempt,
        TaskState.DISCARDED,
        null,
        null,
        new AttemptError(failedAt, attempt, "boom at attempt " + attempt));
  }

  /** Wakeups on {@code pool}; as on a node, one instance serves both stores. */
  private Wakeups wakeups(Pool pool) {
    return new Wakeups(vertx, pool, db.config().notifyChannel());
  }

  /** Inserts {@code count} tasks a millisecond apart from T0; returns their ids, oldest first. */
  private List<UUID> insertTasks(int count) {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(store.insert(newTask("a"), T0.plusMillis(i)).await().task().id());
    }
    return ids;
  }

  /**
   * Completes on the next wake sent to this node's dispatcher over the event bus (see {@link
   * Wakeups}).
   */
  private Future<Void> nextLocalWake() {
    Promise<Void> woken = Promise.promise();
    MessageConsumer<Object> dispatcher = vertx.eventBus().localConsumer(Wakeups.LOCAL_ADDRESS);
    dispatcher.handler(
        message -> {
          woken.tryComplete();
          dispatcher.unregister();
        });
    dispatcher.completion().await();
    return woken.future();
  }

  /**
   * The payloads on the task channel while {@code action} runs: waits for {@code expected} of them,
   * then for a last notification of the listener's own. PostgreSQL delivers notifications in commit
   * order, so any more from the action's committed statements arrive before it.
   */
  private List<String> notificationsDuring(Runnable action, int expected) {
    try (TaskChannel channel = new TaskChannel()) {
      action.run();
      List<String> payloads = new ArrayList<>();
      for (int i = 0; i < expected; i++) {
        payloads.add(channel.next());
      }
      String end = "end-of-test-" + UUID.randomUUID();
      channel.notifyOwn(end);
      for (String payload = channel.next(); !payload.equals(end); payload = channel.next()) {
        payloads.add(payload);
      }
      return payloads;
    }
  }

  /** A connection listening on the task channel; payloads arrive in commit order. */
  private final class TaskChannel implements AutoCloseable {

    final BlockingQueue<String> payloads = new LinkedBlockingQueue<>();
    private final PgConnection listener =
        PgConnection.connect(vertx, Database.connectOptions(db.config())).await();

    TaskChannel() {
      listener.notificationHandler(notification -> payloads.add(notification.getPayload()));
      listener.query("LISTEN " + db.config().notifyChannel()).execute().await();
    }

    /** The next payload, waiting up to 5 s for it. */
    String next() {
      try {
        String payload = payloads.poll(5, TimeUnit.SECONDS);
        assertNotNull(payload, "a notification within 5 s");
        return payload;
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }

    /** Sends {@code payload} on the task channel from this connection. */
    void notifyOwn(String payload) {
      listener
          .preparedQuery("SELECT pg_notify($1, $2)")
          .execute(Tuple.of(db.config().notifyChannel(), payload))
          .await();
    }

    @Override
    public void close() {
      listener.close().await();
    }
  }

  private long count(String query) {
    return sql(query).iterator().next().getLong(0);
  }

  private UUID insertAndClaim() {
    return insertAndClaim(NODE);
  }

  /**
   * Inserts a task due at T0 and claims it at T0 for {@code node}: attempt 1, leased until T0 +
   * LEASE.
   */
  private UUID insertAndClaim(String node) {
    UUID id = store.insert(newTask("a"), T0).await().task().id();
    List<Task> claimed = attempts.claim(BLOCKING, 1, node, T0, LEASE).await();
    assertEquals(List.of(id), ids(claimed), "the new task is the only one due");
    return id;
  }

  private Task claimOne(Instant now) {
    List<Task> claimed = attempts.claim(BLOCKING, 1, NODE, now, LEASE).await();
    assertEquals(1, claimed.size(), "one task was due");
    return claimed.get(0);
  }

  private Instant leaseExpiresAt(UUID id) {
    OffsetDateTime lease =
        sql("SELECT lease_expires_at FROM offload_task_all WHERE id = $1", id)
            .iterator()
            .next()
            .getOffsetDateTime("lease_expires_at");
    return lease == null ? null : lease.toInstant();
  }

  private RowSet<Row> sql(String sql, Object... params) {
    return pool.preparedQuery(sql).execute(Tuple.wrap(params)).await();
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static List<UUID> ids(List<Task> tasks) {
    return tasks.stream().map(Task::id).toList();
  }

  private static List<UUID> reversed(List<UUID> ids) {
    List<UUID> copy = new ArrayList<>(ids);
    Collections.reverse(copy);
    return copy;
  }

  private static <T> T awaitSeconds(Future<T> future) {
    try {
      return future.await(5, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("nothing arrived within 5 s", e);
    }
  }
}
