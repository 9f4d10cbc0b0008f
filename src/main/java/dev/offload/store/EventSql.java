package dev.offload.store;

/** The statements of {@link TaskEventStore}: what the event streams read. */
final class EventSql {

  private EventSql() {}

  /**
   * The tasks of id array $1 as they are now, light columns only (see TaskSql.LIGHT_COLUMNS); $2 a
   * time before which none of them was finalized, so that only the history's newest partitions are
   * read. One snapshot: each task is in one of the two tables.
   */
  static final String EVENT_TASKS =
      """
      SELECT %1$s FROM offload_task WHERE id = ANY($1::uuid[])
      UNION ALL
      SELECT %1$s FROM offload_task_done WHERE id = ANY($1::uuid[]) AND finalized_at >= $2"""
          .formatted(TaskSql.LIGHT_COLUMNS);

  /**
   * The tasks finalized after ($1 finalized_at, $2 id), in that order, at most $6, light columns
   * only: an event stream's replay on reconnect. $3 queue, $4 kind (null for any), $5 states
   * (array, null for any); $7 the retention's cutoff. The block range index on finalized_at reads
   * only the newest part of the history.
   */
  static final String EVENT_FINALS_SINCE =
      """
      SELECT %s FROM offload_task_done
      WHERE finalized_at >= $1 AND finalized_at >= $7
        AND (finalized_at > $1 OR id > $2)
        AND ($3::text IS NULL OR queue = $3)
        AND ($4::text IS NULL OR kind = $4)
        AND ($5::text[] IS NULL OR state = ANY($5::text[]))
      ORDER BY finalized_at, id
      LIMIT $6"""
          .formatted(TaskSql.LIGHT_COLUMNS);
}
