package dev.offload.store;

/**
 * The statements of remote workers (docs/workers.md): their registration and liveness, the kinds
 * they run, and what they do to the attempts they hold. Every call about an attempt names its lease
 * token, and each statement on an attempt matches the row only while that token holds an unexpired
 * lease on it: a call that comes late (the lease expired, the attempt was rescued, timed out, ended
 * or handed back) changes nothing. Attempts are found through the primary key, for the reasons
 * given in {@link TaskSql}. Parameters as in TaskSql: bound, named in each comment, time from the
 * caller's clock.
 */
final class WorkerSql {

  private WorkerSql() {}

  private static final String WORKER_COLUMNS =
      "id, name, kinds, queues, concurrency, node, registered_at, last_seen_at";

  /**
   * Registers worker $1 named $2, running kinds $3 (their args schemas $4, JSON text or null) in
   * queues $5 at most $6 at a time, through node $7, at $8. Each kind is stored, or takes the
   * schema given now. Workers not seen since $9 are forgotten on the way. Returns how many kinds
   * are new or changed (the nodes' caches must then hear of them).
   */
  static final String WORKER_REGISTER =
      """
      WITH kinds AS (
          INSERT INTO offload_kind AS kind (kind, args_schema, registered_at)
          SELECT kind, args_schema::jsonb, $8 FROM unnest($3::text[], $4::text[]) AS given(kind, args_schema)
          ON CONFLICT (kind) DO UPDATE SET args_schema = excluded.args_schema
          WHERE kind.args_schema IS DISTINCT FROM excluded.args_schema
          RETURNING kind
      ), worker AS (
          INSERT INTO offload_worker (%s)
          VALUES ($1, $2, $3, $5, $6, $7, $8, $8)
      ), forgotten AS (
          DELETE FROM offload_worker WHERE last_seen_at < $9
      )
      SELECT (SELECT count(*) FROM kinds)::int AS changed"""
          .formatted(WORKER_COLUMNS);

  /** Tells every node's kind cache that the kinds changed; $1 the kinds channel. */
  static final String KIND_NOTIFY = "SELECT pg_notify($1, 'changed')";

  /** Every remote kind, with its args schema (or null). */
  static final String KIND_LIST = "SELECT kind, args_schema FROM offload_kind ORDER BY kind";

  /**
   * Worker $1 was seen at $2: returns it, unless it is unknown or was last seen before $3 (it is no
   * longer live; null: whenever).
   */
  static final String WORKER_SEEN =
      """
      UPDATE offload_worker SET last_seen_at = greatest(last_seen_at, $2)
      WHERE id = $1 AND ($3::timestamptz IS NULL OR last_seen_at >= $3)
      RETURNING %s"""
          .formatted(WORKER_COLUMNS);

  /**
   * The workers seen since $1, oldest registration first, each with how many attempts it holds (one
   * pass over the running tasks, through their lease index).
   */
  static final String WORKER_LIST_LIVE =
      """
      WITH running AS (
          SELECT worker_id, count(*) AS running FROM offload_task
          WHERE state = 'running' AND worker_id IS NOT NULL
          GROUP BY worker_id
      )
      SELECT %s, coalesce(running.running, 0)::int AS running
      FROM offload_worker AS worker LEFT JOIN running ON running.worker_id = worker.id
      WHERE worker.last_seen_at >= $1
      ORDER BY worker.registered_at, worker.id"""
          .formatted(prefixed("worker"));

  /** Forgets worker $1; no row if unknown. */
  static final String WORKER_DELETE = "DELETE FROM offload_worker WHERE id = $1 RETURNING id";

  /** The attempts worker $1 holds: task id and lease token. */
  static final String TASK_LEASES_OF_WORKER =
      """
      SELECT id, lease_token FROM offload_task
      WHERE state = 'running' AND worker_id = $1""";

  /**
   * The attempts of task ids $1 (array) that the lease tokens $2 (array, same order) hold,
   * unexpired at $3; with $4 the worker holding them (or null: any).
   */
  private static String leased(String alias, String worker) {
    return """
        SELECT id FROM offload_task
        WHERE id = %1$s.id AND lease_token = %1$s.lease_token AND lease_expires_at > $3 %2$s
        LIMIT 1"""
        .formatted(alias, worker);
  }

  /**
   * Renews to $5 the leases that worker $4 holds with tokens $2 on tasks $1, unexpired at $3.
   * Returns those renewed, and whether each one's cancellation was requested.
   */
  static final String TASK_RENEW_REMOTE_LEASES =
      """
      UPDATE offload_task AS task SET lease_expires_at = $5
      FROM unnest($1::uuid[], $2::uuid[]) AS held(id, lease_token)
      CROSS JOIN LATERAL (%s) running
      WHERE task.id = running.id AND task.lease_token = held.lease_token AND task.lease_expires_at > $3
      RETURNING task.id, task.lease_token, task.lease_expires_at,
                task.cancel_requested_at IS NOT NULL AS cancel_requested"""
          .formatted(leased("held", "AND worker_id = $4"));

  /**
   * The attempts on tasks $1 held by tokens $2, unexpired at $3: the claimed columns (see
   * TaskSql.CLAIMED_COLUMNS), the worker holding each, and whether its cancellation was requested.
   */
  static final String TASK_GET_LEASED =
      """
      SELECT %s, task.worker_id, task.lease_token, task.lease_expires_at
      FROM unnest($1::uuid[], $2::uuid[]) AS held(id, lease_token)
      CROSS JOIN LATERAL (%s) running
      JOIN offload_task AS task ON task.id = running.id"""
          .formatted(TaskSql.CLAIMED_COLUMNS, leased("held", ""));

  /** Progress $4 of the attempt on task $1 held by token $2, unexpired at $3. */
  static final String TASK_SET_REMOTE_PROGRESS =
      """
      UPDATE offload_task SET progress = $4
      WHERE id = $1 AND lease_token = $2 AND lease_expires_at > $3
      RETURNING id""";

  /**
   * Hands back the attempts on tasks $1 held by tokens $2, unexpired at $3, unless their
   * cancellation was requested (those end cancelled instead): available again at once, without
   * progress, the attempt not counted. Returns the tasks handed back.
   */
  static final String TASK_RELEASE_REMOTE =
      """
      UPDATE offload_task AS task
      SET state = 'available', attempt = task.attempt - 1, lease_expires_at = NULL, progress = NULL,
          worker_id = NULL, lease_token = NULL
      FROM unnest($1::uuid[], $2::uuid[]) AS held(id, lease_token)
      CROSS JOIN LATERAL (%s) running
      WHERE task.id = running.id AND task.lease_token = held.lease_token AND task.lease_expires_at > $3
        AND task.cancel_requested_at IS NULL
      RETURNING task.id"""
          .formatted(leased("held", ""));

  private static String prefixed(String alias) {
    return alias + "." + WORKER_COLUMNS.replace(", ", ", " + alias + ".");
  }
}
