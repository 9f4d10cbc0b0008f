package dev.offload.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.PgTestDatabase;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The user store against a real PostgreSQL schema: one nested group per statement. Time is always
 * an explicit {@link Instant}, so nothing here waits for a clock.
 */
@ExtendWith(VertxExtension.class)
class UserStoreTest {

  private static final Instant T0 = Instant.parse("2025-03-01T09:00:00Z");

  private static PgTestDatabase db;

  private Vertx vertx;
  private Pool pool;
  private UserStore store;

  @BeforeAll
  static void createSchema() {
    db = PgTestDatabase.create(UserStoreTest.class);
  }

  @AfterAll
  static void dropSchema(Vertx vertx) {
    db.drop(vertx);
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    db.sql(vertx, "TRUNCATE offload_user");
    pool = db.pool(vertx);
    store = new UserStore(pool);
  }

  @AfterEach
  void closePool() {
    pool.close().await();
  }

  @Nested
  class UserInsert {

    @Test
    void insert_returns_the_user_with_a_generated_id_and_both_times_set_to_now() {
      User user = store.insert(new NewUser("ada@example.com", "Ada Lovelace"), T0).await();

      assertTrue(user.id() > 0);
      assertEquals("ada@example.com", user.email());
      assertEquals("Ada Lovelace", user.name());
      assertEquals(T0, user.createdAt());
      assertEquals(T0, user.updatedAt());
    }

    @Test
    void insert_commits_the_row_so_another_connection_reads_it() {
      User user = store.insert(new NewUser("ada@example.com", "Ada"), T0).await();

      Row row =
          db.sql(vertx, "SELECT email, name, created_at FROM offload_user WHERE id = $1", user.id())
              .iterator()
              .next();
      assertEquals("ada@example.com", row.getString("email"));
      assertEquals("Ada", row.getString("name"));
      assertEquals(T0, row.getOffsetDateTime("created_at").toInstant());
    }

    @Test
    void insert_gives_increasing_ids() {
      List<Long> ids = insertUsers(3);

      assertTrue(ids.get(0) < ids.get(1) && ids.get(1) < ids.get(2), ids.toString());
    }

    @Test
    void insert_keeps_the_case_of_the_email_as_given() {
      User user = store.insert(new NewUser("Ada.Lovelace@Example.COM", "Ada"), T0).await();

      assertEquals("Ada.Lovelace@Example.COM", store.get(user.id()).await().orElseThrow().email());
    }

    @Test
    void insert_of_an_email_taken_in_another_case_fails_with_sqlstate_23505_and_stores_nothing() {
      store.insert(new NewUser("ada@example.com", "Ada"), T0).await();

      PgException failure =
          assertThrows(
              PgException.class,
              () -> store.insert(new NewUser("ADA@Example.com", "Another Ada"), T0).await());

      assertEquals("23505", failure.getSqlState());
      assertTrue(UserStore.isEmailTaken(failure));
      assertEquals(1, count());
    }

    @Test
    void the_table_refuses_values_outside_its_length_limits() {
      assertCheckViolation("ab", "Ada");
      assertCheckViolation("a".repeat(250) + "@b.co", "Ada");
      assertCheckViolation("ada@example.com", "");
      assertCheckViolation("ada@example.com", "n".repeat(201));
      assertEquals(0, count());
    }

    @Test
    void the_table_accepts_values_at_its_length_limits() {
      store.insert(new NewUser("a@b", "n"), T0).await();
      store.insert(new NewUser("a".repeat(248) + "@b.com", "n".repeat(200)), T0).await();

      assertEquals(2, count());
    }

    private void assertCheckViolation(String email, String name) {
      PgException failure =
          assertThrows(PgException.class, () -> store.insert(new NewUser(email, name), T0).await());
      assertEquals("23514", failure.getSqlState(), failure.getMessage());
      assertFalse(UserStore.isEmailTaken(failure));
    }
  }

  @Nested
  class UserGet {

    @Test
    void get_returns_the_user_as_inserted() {
      User inserted = store.insert(new NewUser("ada@example.com", "Ada"), T0).await();

      assertEquals(Optional.of(inserted), store.get(inserted.id()).await());
    }

    @Test
    void get_returns_empty_for_an_unknown_id() {
      User inserted = store.insert(new NewUser("ada@example.com", "Ada"), T0).await();

      assertEquals(Optional.empty(), store.get(inserted.id() + 1).await());
      assertEquals(Optional.empty(), store.get(Long.MAX_VALUE).await());
    }
  }

  @Nested
  class UserUpdate {

    @Test
    void update_changes_only_the_given_field_and_bumps_updated_at() {
      User user = store.insert(new NewUser("ada@example.com", "Ada"), T0).await();
      Instant later = T0.plus(Duration.ofMinutes(5));

      User renamed =
          store.update(user.id(), new UserPatch(null, "Ada Lovelace"), later).await().orElseThrow();

      assertEquals(new User(user.id(), "ada@example.com", "Ada Lovelace", T0, later), renamed);
      assertEquals(Optional.of(renamed), store.get(user.id()).await());
    }

    @Test
    void update_can_change_both_fields_at_once() {
      User user = store.insert(new NewUser("ada@example.com", "Ada"), T0).await();

      User changed =
          store
              .update(
                  user.id(),
                  new UserPatch("lovelace@example.org", "A. Lovelace"),
                  T0.plusSeconds(1))
              .await()
              .orElseThrow();

      assertEquals("lovelace@example.org", changed.email());
      assertEquals("A. Lovelace", changed.name());
      assertEquals(T0, changed.createdAt());
      assertEquals(T0.plusSeconds(1), changed.updatedAt());
    }

    @Test
    void update_may_change_the_case_of_the_users_own_email() {
      User user = store.insert(new NewUser("ada@example.com", "Ada"), T0).await();

      User changed =
          store.update(user.id(), new UserPatch("Ada@Example.com", null), T0).await().orElseThrow();

      assertEquals("Ada@Example.com", changed.email());
    }

    @Test
    void update_to_an_email_another_user_has_in_any_case_fails_with_sqlstate_23505() {
      store.insert(new NewUser("ada@example.com", "Ada"), T0).await();
      User grace = store.insert(new NewUser("grace@example.com", "Grace"), T0).await();

      PgException failure =
          assertThrows(
              PgException.class,
              () ->
                  store
                      .update(grace.id(), new UserPatch("Ada@EXAMPLE.com", null), T0.plusSeconds(1))
                      .await());

      assertEquals("23505", failure.getSqlState());
      assertTrue(UserStore.isEmailTaken(failure));
      assertEquals(Optional.of(grace), store.get(grace.id()).await());
    }

    @Test
    void update_returns_empty_for_an_unknown_id() {
      assertEquals(Optional.empty(), store.update(42, new UserPatch(null, "Nobody"), T0).await());
      assertEquals(0, count());
    }
  }

  @Nested
  class UserDelete {

    @Test
    void delete_removes_the_user_and_says_so() {
      User user = store.insert(new NewUser("ada@example.com", "Ada"), T0).await();

      assertTrue(store.delete(user.id()).await());

      assertEquals(Optional.empty(), store.get(user.id()).await());
      assertFalse(store.delete(user.id()).await(), "a second delete finds nothing");
    }

    @Test
    void delete_leaves_the_other_users_alone() {
      List<Long> ids = insertUsers(3);

      store.delete(ids.get(1)).await();

      assertEquals(List.of(ids.get(0), ids.get(2)), ids(store.listAfter(0, 10).await()));
    }

    @Test
    void delete_frees_the_email_for_a_new_user() {
      User user = store.insert(new NewUser("ada@example.com", "Ada"), T0).await();
      store.delete(user.id()).await();

      User again = store.insert(new NewUser("ADA@example.com", "Ada again"), T0).await();

      assertTrue(again.id() > user.id(), "identity values are never reused");
    }

    @Test
    void delete_returns_false_for_an_unknown_id() {
      assertFalse(store.delete(42).await());
    }
  }

  @Nested
  class UserListAfter {

    @Test
    void listAfter_returns_users_in_id_order_without_next_when_all_fit() {
      List<Long> ids = insertUsers(4);

      UserPage page = store.listAfter(0, 10).await();

      assertEquals(ids, ids(page));
      assertNull(page.next());
    }

    @Test
    void listAfter_pages_cover_every_user_exactly_once_and_the_last_page_has_no_next() {
      List<Long> ids = insertUsers(7);

      List<UserPage> pages = allPages(3);

      assertEquals(List.of(3, 3, 1), pages.stream().map(page -> page.users().size()).toList());
      assertEquals(ids, pages.stream().flatMap(page -> ids(page).stream()).toList());
      assertEquals(ids.get(2), pages.get(0).next(), "the cursor is the last id of the page");
      assertNull(pages.get(2).next());
    }

    @Test
    void listAfter_has_no_next_when_the_last_page_is_exactly_full() {
      List<Long> ids = insertUsers(6);

      List<UserPage> pages = allPages(3);

      assertEquals(2, pages.size());
      assertEquals(ids, pages.stream().flatMap(page -> ids(page).stream()).toList());
      assertNull(pages.get(1).next());
    }

    @Test
    void listAfter_covers_thousands_of_users_exactly_once_in_pages_of_the_largest_size() {
      db.sql(
          vertx,
          """
          INSERT INTO offload_user (email, name, created_at, updated_at)
          SELECT 'user' || n || '@example.com', 'User ' || n, $1, $1 FROM generate_series(1, 2500) AS n""",
          OffsetDateTime.ofInstant(T0, ZoneOffset.UTC));

      List<UserPage> pages = allPages(1_000);

      assertEquals(
          List.of(1_000, 1_000, 500), pages.stream().map(page -> page.users().size()).toList());
      List<Long> listed = pages.stream().flatMap(page -> ids(page).stream()).toList();
      List<Long> all =
          db.sql(vertx, "SELECT id FROM offload_user ORDER BY id").stream()
              .map(row -> row.getLong("id"))
              .toList();
      assertEquals(all, listed);
    }

    @Test
    void listAfter_is_not_shifted_by_users_deleted_or_added_between_pages() {
      List<Long> ids = insertUsers(6);

      UserPage first = store.listAfter(0, 3).await();
      store.delete(ids.get(0)).await();
      long added = store.insert(new NewUser("late@example.com", "Late"), T0).await().id();
      UserPage second = store.listAfter(first.next(), 3).await();

      assertEquals(
          ids.subList(3, 6), ids(second), "no user of the second page skipped or repeated");
      assertEquals(List.of(added), ids(store.listAfter(second.next(), 3).await()));
    }

    @Test
    void listAfter_the_last_id_or_beyond_is_an_empty_page() {
      List<Long> ids = insertUsers(2);

      UserPage page = store.listAfter(ids.get(1), 10).await();

      assertEquals(List.of(), page.users());
      assertNull(page.next());
      assertEquals(List.of(), store.listAfter(Long.MAX_VALUE, 10).await().users());
    }

    private List<UserPage> allPages(int limit) {
      List<UserPage> pages = new ArrayList<>();
      long after = 0;
      Long next;
      do {
        UserPage page = store.listAfter(after, limit).await();
        pages.add(page);
        next = page.next();
        after = next == null ? after : next;
        assertTrue(pages.size() <= 100, "pagination does not end");
      } while (next != null);
      return pages;
    }
  }

  @Test
  void isEmailTaken_is_false_for_other_failures() {
    assertFalse(
        UserStore.isEmailTaken(
            new RuntimeException("duplicate key value violates unique constraint")));
    assertFalse(
        UserStore.isEmailTaken(
            new PgException("duplicate key", "ERROR", "23505", "on another index")));
  }

  /** Inserts {@code count} users with distinct emails; returns their ids in insertion order. */
  private List<Long> insertUsers(int count) {
    return LongStream.range(0, count)
        .mapToObj(
            i ->
                store
                    .insert(new NewUser("user" + i + "@example.com", "User " + i), T0)
                    .await()
                    .id())
        .toList();
  }

  private long count() {
    return db.sql(vertx, "SELECT count(*) FROM offload_user").iterator().next().getLong(0);
  }

  private static List<Long> ids(UserPage page) {
    return page.users().stream().map(User::id).toList();
  }
}
