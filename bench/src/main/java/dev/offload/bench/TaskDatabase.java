package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The service's database, as the wear benchmarks see it: the tasks' own timestamps, dead-tuple counts, and the
 * connections that hold a snapshot or the retention lock. Reads of tasks go through the view
 * {@code offload_task_all}, live and finished alike.
 */
final class TaskDatabase {

  /** Ids per latency query: large enough to be few queries, small enough to keep each one short. */
  private static final int IDS_PER_QUERY = 10_000;
  /** A held snapshot, the retention lock, autovacuum's connection, and the reads beside them. */
  private static final int POOL_SIZE = 6;

  private final Pool pool;

  private TaskDatabase(Pool pool) {
    this.pool = pool;
  }

  static Future<TaskDatabase> connect(Vertx vertx, String url) {
    Pool pool = PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(POOL_SIZE))
      .connectingTo(PgConnectOptions.fromUri(url))
      .using(vertx)
      .build();
    return pool.query(WearSql.PING).execute()
      .map(rows -> new TaskDatabase(pool))
      .onFailure(failed -> pool.close());
  }

  /** Enqueue-to-start in milliseconds of those of {@code ids} that have started; the others are left out. */
  Future<Map<UUID, Double>> latencies(List<UUID> ids) {
    Map<UUID, Double> millis = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
      UUID[] chunk = ids.subList(from, Math.min(from + IDS_PER_QUERY, ids.size())).toArray(UUID[]::new);
      chain = chain.compose(previous -> pool
        .preparedQuery(WearSql.TASK_LATENCIES)
        .execute(Tuple.tuple().addArrayOfUUID(chunk))
        .map(rows -> {
          for (Row row : rows) {
            millis.put(row.getUUID("id"), row.getDouble("millis"));
          }
          return null;
        }));
    }
    return chain.map(done -> millis);
  }

  Future<Boolean> exists(UUID id) {
    return pool.preparedQuery(WearSql.TASK_EXISTS)
      .execute(Tuple.of(id))
      .map(rows -> rows.iterator().next().getBoolean("present"));
  }

  Future<Long> deadTuples() {
    return pool.query(WearSql.TASK_DEAD_TUPLES).execute().map(rows -> rows.iterator().next().getLong("dead"));
  }

  /** Something the benchmark holds on a connection of its own until it lets go. */
  interface Held {
    Future<Void> release();
  }

  /** Begins a repeatable-read transaction and reads the task table, so its snapshot holds back cleanup. */
  Future<Held> holdSnapshot() {
    return pool.getConnection().compose(connection -> connection.query(WearSql.SNAPSHOT_BEGIN).execute()
      .compose(begun -> connection.query(WearSql.SNAPSHOT_READ).execute())
      .<Held>map(read -> () -> connection.query(WearSql.SNAPSHOT_END).execute()
        .<Void>mapEmpty()
        .eventually(connection::close))
      .onFailure(failed -> connection.close()));
  }

  /** Takes the retention lock at session level; waits while a pruner holds it. */
  Future<Held> lockRetention() {
    return pool.getConnection().compose(connection -> connection.query(WearSql.RETENTION_LOCK).execute()
      .<Held>map(locked -> () -> connection.query(WearSql.RETENTION_UNLOCK).execute()
        .compose(rows -> rows.iterator().next().getBoolean("released")
          ? Future.<Void>succeededFuture()
          : Future.<Void>failedFuture(new IllegalStateException("the retention lock was not held")))
        .eventually(connection::close))
      .onFailure(failed -> connection.close()));
  }

  Future<Autovacuum.Settings> autovacuumSettings() {
    return pool.query(WearSql.AUTOVACUUM_SETTINGS).execute().map(rows -> {
      Map<String, String> setting = new HashMap<>();
      rows.forEach(row -> setting.put(row.getString("name"), row.getString("setting")));
      return Autovacuum.Settings.of(setting);
    });
  }

  Future<List<Autovacuum.TableStats>> tableStats() {
    return pool.query(WearSql.TABLE_STATS).execute().map(rows -> {
      List<Autovacuum.TableStats> tables = new ArrayList<>();
      rows.forEach(row -> tables.add(new Autovacuum.TableStats(row.getString("name"), row.getDouble("reltuples"),
        row.getLong("n_dead_tup"), row.getLong("n_ins_since_vacuum"), row.getLong("n_mod_since_analyze"))));
      return tables;
    });
  }

  /** A connection of its own, e.g. for VACUUM with session settings; the caller closes it. */
  Future<SqlConnection> connection() {
    return pool.getConnection();
  }

  Future<Void> close() {
    return pool.close();
  }
}
