package dev.offload.store;

/**
 * The statements of {@link StatsStore}: the counts of tasks by state, queue and kind, and the
 * nodes' throughput steps.
 */
final class StatsSql {

  private StatsSql() {}

  /**
   * The waiting and running tasks by state, queue and kind, with the oldest due time of those due
   * at $1 (now). One pass over the live table, which holds only waiting and running tasks (as
   * TASK_COUNT_DUE_BY_QUEUE).
   */
  static final String STATS_LIVE_COUNTS =
      """
      SELECT state, queue, kind, count(*) AS count,
             min(scheduled_at) FILTER (WHERE state <> 'running' AND scheduled_at <= $1) AS oldest_due_at
      FROM offload_task
      GROUP BY state, queue, kind""";

  /**
   * The tasks finalized in [$1, $2), by 10-second step (aligned on the epoch), state, queue and
   * kind: a range of the history read through its block range index on finalized_at, the partitions
   * outside it pruned.
   */
  static final String STATS_FINAL_COUNTS =
      """
      SELECT date_bin('10 seconds', finalized_at, TIMESTAMPTZ 'epoch') AS step, state, queue, kind,
             count(*) AS count
      FROM offload_task_done
      WHERE finalized_at >= $1 AND finalized_at < $2
      GROUP BY 1, 2, 3, 4""";

  /**
   * One node's figures for one step, as it has them now: $1 step start, $2 node id, $3 submitted,
   * $4 completed, $5 failed, $6 the start latency histogram's counts. The node adds up its own
   * figures, so the newest write of a step replaces the one before.
   */
  static final String STATS_STEP_UPSERT =
      """
      INSERT INTO offload_stats_step (at, node_id, submitted, completed, failed, start_latency)
      VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (at, node_id) DO UPDATE
      SET submitted = excluded.submitted, completed = excluded.completed, failed = excluded.failed,
          start_latency = excluded.start_latency""";

  /** Every node's steps from $1 on, oldest first: at most one row per node and step. */
  static final String STATS_STEPS_SINCE =
      """
      SELECT at, submitted, completed, failed, start_latency FROM offload_stats_step
      WHERE at >= $1 ORDER BY at""";

  /** Removes the steps before $1. */
  static final String STATS_STEPS_PRUNE = "DELETE FROM offload_stats_step WHERE at < $1";
}
