package dev.offload.users;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The only class that reads or writes users. Every method is one statement on the node's pool, so
 * one round trip and never a blocked thread. Database errors reach the caller as they are ({@link
 * PgException}); {@link #isEmailTaken} tells a taken email among them.
 */
public final class UserStore {

  private static final String UNIQUE_VIOLATION = "23505";

  private final Pool client;

  public UserStore(Pool pool) {
    this.client = pool;
  }

  /** Inserts and commits the user; fails with 23505 when the email is taken, in any case. */
  public Future<User> insert(NewUser user, Instant now) {
    Tuple params = Tuple.of(user.email(), user.name(), timestamp(now));
    return client
        .preparedQuery(UserSql.USER_INSERT)
        .execute(params)
        .map(rows -> toUser(rows.iterator().next()));
  }

  public Future<Optional<User>> get(long id) {
    return client.preparedQuery(UserSql.USER_GET).execute(Tuple.of(id)).map(UserStore::firstUser);
  }

  /** Applies the patch and sets updated_at to {@code now}. Empty when the user does not exist. */
  public Future<Optional<User>> update(long id, UserPatch patch, Instant now) {
    Tuple params = Tuple.of(id, patch.email(), patch.name(), timestamp(now));
    return client.preparedQuery(UserSql.USER_UPDATE).execute(params).map(UserStore::firstUser);
  }

  /** True when the user existed and is now deleted. */
  public Future<Boolean> delete(long id) {
    return client
        .preparedQuery(UserSql.USER_DELETE)
        .execute(Tuple.of(id))
        .map(rows -> rows.rowCount() > 0);
  }

  /**
   * Up to {@code limit} users with an id above {@code afterId} (0 for the first page), in id order.
   */
  public Future<UserPage> listAfter(long afterId, int limit) {
    // One extra row tells whether a next page exists.
    return client
        .preparedQuery(UserSql.USER_LIST_AFTER)
        .execute(Tuple.of(afterId, limit + 1))
        .map(
            rows -> {
              List<User> users = new ArrayList<>(rows.size());
              rows.forEach(row -> users.add(toUser(row)));
              if (users.size() <= limit) {
                return new UserPage(users, null);
              }
              List<User> page = users.subList(0, limit);
              return new UserPage(page, page.get(limit - 1).id());
            });
  }

  /**
   * Whether {@code failure} is the unique index on the email refusing a second user with that
   * email.
   */
  /** How many users an export with this email filter (null: none) covers. */
  public Future<Long> count(String emailContains) {
    return client
        .preparedQuery(UserSql.USER_COUNT)
        .execute(Tuple.of(emailContains))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** The next page of an export, after {@code afterId}, in id order. */
  public Future<List<User>> exportPage(long afterId, String emailContains, int size) {
    return client
        .preparedQuery(UserSql.USER_EXPORT_PAGE)
        .execute(Tuple.of(afterId, emailContains, size))
        .map(
            rows -> {
              List<User> users = new ArrayList<>(rows.size());
              rows.forEach(row -> users.add(toUser(row)));
              return users;
            });
  }

  /**
   * Inserts the batch in one statement; returns the (lowercased) emails inserted, the others being
   * taken.
   */
  public Future<Set<String>> importBatch(List<NewUser> users, Instant now) {
    Tuple params =
        Tuple.of(
            users.stream().map(NewUser::email).toArray(String[]::new),
            users.stream().map(NewUser::name).toArray(String[]::new),
            OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
    return client
        .preparedQuery(UserSql.USER_IMPORT_BATCH)
        .execute(params)
        .map(
            rows -> {
              Set<String> inserted = new HashSet<>();
              rows.forEach(row -> inserted.add(row.getString("email")));
              return inserted;
            });
  }

  public static boolean isEmailTaken(Throwable failure) {
    // Told by SQLSTATE and index name, which do not change with the server's language, unlike the
    // message.
    return failure instanceof PgException pg
        && UNIQUE_VIOLATION.equals(pg.getSqlState())
        && UserSql.EMAIL_INDEX.equals(pg.getConstraint());
  }

  private static Optional<User> firstUser(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(toUser(rows.iterator().next()));
  }

  private static User toUser(Row row) {
    return new User(
        row.getLong("id"),
        row.getString("email"),
        row.getString("name"),
        row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("updated_at").toInstant());
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
