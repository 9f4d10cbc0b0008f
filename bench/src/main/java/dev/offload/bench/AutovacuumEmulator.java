package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Autovacuum's place, on a server where it is off: every naptime, each table that autovacuum would process (see
 * {@link Autovacuum#action}) gets the same statement, one table at a time, on a connection with autovacuum's cost
 * delay and limit, so it is throttled the way autovacuum is. Runs are never concurrent: a naptime that comes while
 * the previous run is still going is skipped, as the launcher would not start a second worker on the same tables.
 * What it runs is kept as {@link Run}s, for the report.
 */
final class AutovacuumEmulator {

  /** One statement run, {@code startNanos} on the caller's clock ({@link System#nanoTime()}). */
  record Run(long startNanos, String statement, double millis) {
  }

  private final Vertx vertx;
  private final TaskDatabase database;
  private final Autovacuum.Settings settings;
  private final List<Run> runs = new ArrayList<>();
  private long timer = -1;
  private boolean busy;
  private volatile boolean stopped;

  AutovacuumEmulator(Vertx vertx, TaskDatabase database, Autovacuum.Settings settings) {
    this.vertx = vertx;
    this.database = database;
    this.settings = settings;
  }

  void start() {
    long naptime = Math.max(1, Math.round(settings.naptimeSeconds() * 1000));
    timer = vertx.setPeriodic(naptime, tick -> {
      if (!busy && !stopped) {
        busy = true;
        pass().onComplete(done -> busy = false);
      }
    });
  }

  /** Stops before the next statement; one already running is left to finish on the server. */
  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  synchronized List<Run> runs() {
    return List.copyOf(runs);
  }

  private Future<Void> pass() {
    return database.tableStats().compose(tables -> {
      List<String> statements = new ArrayList<>();
      for (Autovacuum.TableStats table : tables) {
        Autovacuum.Action action = Autovacuum.action(settings, table);
        if (action != Autovacuum.Action.NONE) {
          statements.add(action.statement(table.name()));
        }
      }
      if (statements.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      return database.connection().compose(connection -> throttle(connection)
        .compose(throttled -> runAll(connection, statements, 0))
        .eventually(connection::close));
    }).onFailure(failed -> System.err.println("autovacuum emulation: " + failed));
  }

  private Future<Void> throttle(SqlConnection connection) {
    return connection
      .query(String.format(Locale.ROOT, WearSql.VACUUM_THROTTLE, settings.costDelayMillis(), settings.costLimit()))
      .execute()
      .mapEmpty();
  }

  private Future<Void> runAll(SqlConnection connection, List<String> statements, int next) {
    if (next == statements.size() || stopped) {
      return Future.succeededFuture();
    }
    String statement = statements.get(next);
    long start = System.nanoTime();
    return connection.query(statement).execute().compose(done -> {
      Run run = new Run(start, statement, (System.nanoTime() - start) / 1e6);
      synchronized (this) {
        runs.add(run);
      }
      System.err.printf(Locale.ROOT, "autovacuum emulation: %s took %.0f ms%n", statement, run.millis());
      return runAll(connection, statements, next + 1);
    });
  }
}
