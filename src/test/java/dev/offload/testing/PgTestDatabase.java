package dev.offload.testing;

import dev.offload.config.DatabaseConfig;
import dev.offload.store.Database;
import dev.offload.store.Migrations;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * A schema of its own in the test database ({@code TEST_DATABASE_URL}, default {@code
 * postgresql://postgres@127.0.0.1:5432/test}), migrated from the real migration files. Create one
 * per test class, {@link #truncate} between tests, {@link #drop} after. The database itself is
 * created on first use if the server does not have it yet.
 */
public final class PgTestDatabase {

  public static final String URL =
      System.getenv()
          .getOrDefault("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test");

  /**
   * The pools of tests built outside a node: more waiting statements than any test queues, so that
   * none is refused as overload (nodes take {@code database.max_wait_queue}).
   */
  public static final int MAX_WAIT_QUEUE = 10_000;

  private final DatabaseConfig config;

  private PgTestDatabase(DatabaseConfig config) {
    this.config = config;
  }

  /**
   * Creates and migrates a fresh schema named after the test class; the migrations create the
   * database too when the server lacks it, as a node's do. Blocking: call from the test thread.
   */
  public static PgTestDatabase create(Class<?> testClass) {
    String schema =
        ("t_" + testClass.getSimpleName() + "_" + UUID.randomUUID().toString().substring(0, 8))
            .toLowerCase(Locale.ROOT);
    PgTestDatabase database =
        new PgTestDatabase(
            new DatabaseConfig(URL, schema, 4, MAX_WAIT_QUEUE, Duration.ofMillis(200)));
    Migrations.apply(database.config);
    return database;
  }

  public DatabaseConfig config() {
    return config;
  }

  public String schema() {
    return config.schema();
  }

  public Pool pool(Vertx vertx) {
    return Database.pool(vertx, config);
  }

  /** Runs one statement on a short-lived connection and waits for it (test thread only). */
  public RowSet<Row> sql(Vertx vertx, String sql, Object... params) {
    Pool pool = pool(vertx);
    try {
      return pool.preparedQuery(sql).execute(Tuple.wrap(params)).await();
    } finally {
      pool.close().await();
    }
  }

  /**
   * Whether a connection LISTENs on this schema's task channel, i.e. a dispatcher hears of new
   * tasks: the last statement of a LISTEN connection is the LISTEN naming its channels, quoted.
   */
  public boolean hasTaskListener(Vertx vertx) {
    return sql(
                vertx,
                """
        SELECT count(*) FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE 'LISTEN %' AND position($1 IN query) > 0""",
                '"' + config.notifyChannel() + '"')
            .iterator()
            .next()
            .getLong(0)
        > 0;
  }

  /**
   * Empties every table. The node registry goes first: a node still running in the test may be
   * writing its heartbeat, which locks offload_node and then reads offload_task. Taking the locks
   * in that same order, the truncate waits for the heartbeat instead of deadlocking with it (which
   * the node would log as a failure).
   */
  public void truncate(Vertx vertx) {
    sql(
        vertx,
        "TRUNCATE offload_node, offload_task, offload_task_done, offload_task_key, offload_user,"
            + " offload_file_chunk, offload_file, offload_queue, offload_stats_step CASCADE");
  }

  public void drop(Vertx vertx) {
    sql(vertx, "DROP SCHEMA " + config.schema() + " CASCADE");
  }
}
