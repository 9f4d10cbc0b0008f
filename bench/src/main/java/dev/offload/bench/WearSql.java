package dev.offload.bench;

/**
 * The SQL of the wear benchmarks, in one place. The task tables are {@code offload_task} and, once the schema keeps
 * finished tasks apart, {@code offload_task_done}: statements that read tasks come in two forms, and
 * {@link TaskDatabase} picks the one that matches the schema it finds.
 */
final class WearSql {

  private WearSql() {
  }

  /** Whether finished tasks have a table of their own (true from migration V012 on). */
  static final String DONE_TABLE_EXISTS = "SELECT to_regclass('offload_task_done') IS NOT NULL AS present";

  /**
   * $1 uuid[]: tasks of the steady load. Enqueue-to-start in milliseconds of those that have started, from the
   * service's own timestamps.
   */
  static final String TASK_LATENCIES_LIVE = """
    SELECT id, (extract(epoch FROM attempted_at - created_at) * 1000)::float8 AS millis
    FROM offload_task WHERE id = ANY($1) AND attempted_at IS NOT NULL""";

  static final String TASK_LATENCIES_BOTH = TASK_LATENCIES_LIVE + """

    UNION ALL
    SELECT id, (extract(epoch FROM attempted_at - created_at) * 1000)::float8 AS millis
    FROM offload_task_done WHERE id = ANY($1) AND attempted_at IS NOT NULL""";

  /** $1 uuid: whether that task still exists (a primary-key lookup). */
  static final String TASK_EXISTS_LIVE = "SELECT EXISTS (SELECT 1 FROM offload_task WHERE id = $1) AS present";

  static final String TASK_EXISTS_BOTH = """
    SELECT EXISTS (SELECT 1 FROM offload_task WHERE id = $1)
           OR EXISTS (SELECT 1 FROM offload_task_done WHERE id = $1) AS present""";

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
