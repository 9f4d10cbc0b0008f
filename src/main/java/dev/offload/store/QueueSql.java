package dev.offload.store;

/** The statements of {@link QueueStore}: paused queues. */
final class QueueSql {

  private QueueSql() {}

  /**
   * $1 queue name, $2 paused, $3 now: the queue's pause as set by an admin. The claim statements
   * read it (TaskSql's NOT_PAUSED) from their next run on, on every node.
   */
  static final String QUEUE_SET_PAUSED =
      """
      INSERT INTO offload_queue (name, paused, changed_at) VALUES ($1, $2, $3)
      ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, changed_at = excluded.changed_at""";

  /** The queues whose pause was ever set, and whether they are paused now. */
  static final String QUEUE_LIST = "SELECT name, paused FROM offload_queue";
}
