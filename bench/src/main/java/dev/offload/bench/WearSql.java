package dev.offload.bench;

/**
 * The SQL of the wear benchmarks, in one place. Tasks are in {@code offload_task} while they wait or run and in
 * {@code offload_task_done} once final; the view {@code offload_task_all} shows both.
 */
final class WearSql {

  private WearSql() {
  }

  /**
   * $1 uuid[]: tasks of the steady load. Enqueue-to-start in milliseconds of those that have started, from the
   * service's own timestamps.
   */
  static final String TASK_LATENCIES = """
    SELECT id, (extract(epoch FROM attempted_at - created_at) * 1000)::float8 AS millis
    FROM offload_task_all WHERE id = ANY($1) AND attempted_at IS NOT NULL""";

  /** Whether the database answers, before a benchmark relies on it. */
  static final String PING = "SELECT 1";

  /** $1 uuid: whether that task still exists (a primary-key lookup in each table). */
  static final String TASK_EXISTS = "SELECT EXISTS (SELECT 1 FROM offload_task_all WHERE id = $1) AS present";

  /**
   * Dead row versions in the task tables (offload_task, offload_task_done and its partitions), from the statistics
   * collector: they lag the truth by a second or so.
   */
  static final String TASK_DEAD_TUPLES = """
    SELECT coalesce(sum(n_dead_tup), 0)::bigint AS dead
    FROM pg_stat_user_tables WHERE relname LIKE 'offload\\_task%'""";

  /** What a held snapshot does to the service: a repeatable-read transaction that has read something. */
  static final String SNAPSHOT_BEGIN = "BEGIN ISOLATION LEVEL REPEATABLE READ";
  static final String SNAPSHOT_READ = "SELECT count(*) FROM offload_task";
  static final String SNAPSHOT_END = "COMMIT";

  /**
   * The retention lock, held at session level: while the benchmark holds it, the service's pruner (which takes the
   * same key with {@code pg_try_advisory_xact_lock}, see the service's TaskSql.RETENTION_LOCK) skips its turns.
   */
  static final String RETENTION_LOCK = "SELECT pg_advisory_lock(hashtextextended('offload.retention', 0))";
  static final String RETENTION_UNLOCK =
    "SELECT pg_advisory_unlock(hashtextextended('offload.retention', 0)) AS released";

  /** The server's autovacuum settings, in their base units (seconds, milliseconds, plain numbers). */
  static final String AUTOVACUUM_SETTINGS = """
    SELECT name, setting FROM pg_settings
    WHERE name IN ('autovacuum', 'autovacuum_naptime', 'autovacuum_vacuum_threshold',
                   'autovacuum_vacuum_scale_factor', 'autovacuum_vacuum_insert_threshold',
                   'autovacuum_vacuum_insert_scale_factor', 'autovacuum_analyze_threshold',
                   'autovacuum_analyze_scale_factor', 'autovacuum_vacuum_cost_delay',
                   'autovacuum_vacuum_cost_limit', 'vacuum_cost_delay', 'vacuum_cost_limit')""";

  /**
   * What autovacuum looks at for each table of the database (plain tables: partitioned parents have no rows of their
   * own, and autovacuum leaves them alone). {@code name} is quoted, ready for a VACUUM statement.
   */
  static final String TABLE_STATS = """
    SELECT format('%I.%I', s.schemaname, s.relname) AS name, greatest(c.reltuples, 0)::float8 AS reltuples,
           s.n_dead_tup, s.n_ins_since_vacuum, s.n_mod_since_analyze
    FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
    WHERE c.relkind = 'r'
    ORDER BY s.relname""";

  /** Autovacuum's throttle for the session that stands in for it: cost delay in ms (%s), cost limit (%d). */
  static final String VACUUM_THROTTLE = "SET vacuum_cost_delay = %s; SET vacuum_cost_limit = %d";
}
