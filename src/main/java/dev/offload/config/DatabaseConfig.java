package dev.offload.config;

import java.time.Duration;

/**
 * The PostgreSQL database: a {@code postgresql://} URL, the schema holding Offload's tables, the
 * pool size, how many statements may wait for one of its connections ({@code maxWaitQueue}; more
 * are refused at once), and how often to try again while the database is unreachable.
 */
public record DatabaseConfig(
    String url, String schema, int poolSize, int maxWaitQueue, Duration retryInterval) {

  /**
   * The LISTEN/NOTIFY channel, per schema so that installations sharing a database do not wake each
   * other.
   */
  public String notifyChannel() {
    return "offload_task_" + schema;
  }

  /**
   * The channel on which a node is told (payload: its id) that an admin changed its desired
   * workers.
   */
  public String adminChannel() {
    return "offload_admin_" + schema;
  }

  /** The channel on which a cancelled running task's id is announced to the node running it. */
  public String cancelChannel() {
    return "offload_cancel_" + schema;
  }
}
