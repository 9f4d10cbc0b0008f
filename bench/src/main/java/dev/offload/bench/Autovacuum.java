package dev.offload.bench;

import java.util.Map;

/**
 * Autovacuum's decision for one table, as PostgreSQL 15 makes it ({@code relation_needs_vacanalyze} in
 * autovacuum.c), without the anti-wraparound case and without per-table storage parameters: vacuum when the dead
 * row versions exceed {@code threshold + scale_factor * reltuples}, or the rows inserted since the last vacuum exceed
 * the insert threshold likewise; analyze when the rows changed since the last analyze exceed the analyze threshold.
 * {@link AutovacuumEmulator} applies it where the server's own autovacuum is off.
 */
final class Autovacuum {

  private Autovacuum() {
  }

  /** What autovacuum would run on a table: nothing, VACUUM, ANALYZE, or both in one statement. */
  enum Action {
    NONE(null), VACUUM("VACUUM"), ANALYZE("ANALYZE"), VACUUM_ANALYZE("VACUUM (ANALYZE)");

    private final String command;

    Action(String command) {
      this.command = command;
    }

    /** The statement for {@code table} (already quoted). */
    String statement(String table) {
      if (command == null) {
        throw new IllegalStateException("no statement for " + this);
      }
      return command + " " + table;
    }
  }

  /**
   * The server's settings. {@code insertThreshold} -1 disables the insert rule, as on the server; cost delay in
   * milliseconds and cost limit are those autovacuum would run with.
   */
  record Settings(boolean enabled, double naptimeSeconds, long vacuumThreshold, double vacuumScaleFactor,
      long insertThreshold, double insertScaleFactor, long analyzeThreshold, double analyzeScaleFactor,
      double costDelayMillis, int costLimit) {

    /** From {@code pg_settings} name/setting pairs (see {@link WearSql#AUTOVACUUM_SETTINGS}). */
    static Settings of(Map<String, String> setting) {
      double delay = Double.parseDouble(required(setting, "autovacuum_vacuum_cost_delay"));
      int limit = Integer.parseInt(required(setting, "autovacuum_vacuum_cost_limit"));
      return new Settings(
        "on".equals(required(setting, "autovacuum")),
        Double.parseDouble(required(setting, "autovacuum_naptime")),
        Long.parseLong(required(setting, "autovacuum_vacuum_threshold")),
        Double.parseDouble(required(setting, "autovacuum_vacuum_scale_factor")),
        Long.parseLong(required(setting, "autovacuum_vacuum_insert_threshold")),
        Double.parseDouble(required(setting, "autovacuum_vacuum_insert_scale_factor")),
        Long.parseLong(required(setting, "autovacuum_analyze_threshold")),
        Double.parseDouble(required(setting, "autovacuum_analyze_scale_factor")),
        // -1: autovacuum uses vacuum_cost_delay and vacuum_cost_limit.
        delay < 0 ? Double.parseDouble(required(setting, "vacuum_cost_delay")) : delay,
        limit < 0 ? Integer.parseInt(required(setting, "vacuum_cost_limit")) : limit);
    }

    private static String required(Map<String, String> setting, String name) {
      String value = setting.get(name);
      if (value == null) {
        throw new IllegalArgumentException("the server reported no setting " + name);
      }
      return value;
    }

    /** The same settings, checked every {@code seconds} instead of the server's naptime. */
    Settings withNaptime(double seconds) {
      return new Settings(enabled, seconds, vacuumThreshold, vacuumScaleFactor, insertThreshold, insertScaleFactor,
        analyzeThreshold, analyzeScaleFactor, costDelayMillis, costLimit);
    }
  }

  /** A table's statistics: {@code reltuples} from pg_class (negative, "never counted", is taken as 0). */
  record TableStats(String name, double reltuples, long deadTuples, long insertedSinceVacuum,
      long modifiedSinceAnalyze) {
  }

  static Action action(Settings settings, TableStats table) {
    double tuples = Math.max(table.reltuples(), 0);
    boolean vacuum = table.deadTuples() > settings.vacuumThreshold() + settings.vacuumScaleFactor() * tuples
      || settings.insertThreshold() >= 0
        && table.insertedSinceVacuum() > settings.insertThreshold() + settings.insertScaleFactor() * tuples;
    boolean analyze = table.modifiedSinceAnalyze() > settings.analyzeThreshold()
      + settings.analyzeScaleFactor() * tuples;
    if (vacuum) {
      return analyze ? Action.VACUUM_ANALYZE : Action.VACUUM;
    }
    return analyze ? Action.ANALYZE : Action.NONE;
  }
}
