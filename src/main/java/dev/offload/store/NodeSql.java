package dev.offload.store;

/** The statements of the node registry; all values are bound parameters. */
final class NodeSql {

  private NodeSql() {}

  static final String COLUMNS =
      "id, role, started_at, heartbeat_at, workers, desired_workers, running_attempts";

  /**
   * Writes node $1's heartbeat: $2 role, $3 started_at, $4 now, $5 worker instances deployed.
   * Counts its running attempts from the tasks themselves. Returns the desired worker count, which
   * an admin may have set since the last heartbeat (a node that missed the NOTIFY applies it here).
   */
  static final String NODE_HEARTBEAT =
      """
      INSERT INTO offload_node (id, role, started_at, heartbeat_at, workers, running_attempts)
      VALUES ($1, $2, $3, $4, $5,
              (SELECT count(*) FROM offload_task WHERE state = 'running' AND attempted_by = $1))
      ON CONFLICT (id) DO UPDATE
      SET role = excluded.role, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at,
          workers = excluded.workers, running_attempts = excluded.running_attempts,
          -- A restarted node starts from its configuration, not from an older request.
          desired_workers = CASE WHEN offload_node.started_at = excluded.started_at
                                 THEN offload_node.desired_workers END
      RETURNING desired_workers""";

  /** Nodes whose heartbeat is later than $1, by id. */
  static final String NODE_LIST_LIVE =
      "SELECT " + COLUMNS + " FROM offload_node WHERE heartbeat_at > $1 ORDER BY id";

  /**
   * Sets the desired worker count $2 of live node $1 (heartbeat later than $3) that runs tasks, and
   * tells it on channel $4. No row: unknown, dead, or an api node.
   */
  static final String NODE_SET_DESIRED_WORKERS =
      """
      WITH updated AS (
          UPDATE offload_node SET desired_workers = $2
          WHERE id = $1 AND heartbeat_at > $3 AND role <> 'api'
          RETURNING %1$s
      )
      SELECT %1$s, pg_notify($4, id) AS notified FROM updated"""
          .formatted(COLUMNS);

  /** Rows of nodes whose last heartbeat is older than $1 (they died without saying goodbye). */
  static final String NODE_PRUNE_DEAD = "DELETE FROM offload_node WHERE heartbeat_at < $1";

  /** Node $1 leaves: its row goes, so it is no longer listed. */
  static final String NODE_DELETE = "DELETE FROM offload_node WHERE id = $1";
}
