package dev.offload.store;

/**
 * The texts of the statements a node sends for the steps that fault tests break on the wire (see
 * {@code fault/PgLink}), exactly as the node sends them.
 */
public final class TaskStatements {

  /** The claim of a node without queue limits. */
  public static final String CLAIM = TaskSql.TASK_CLAIM_AVAILABLE;

  /** The write of attempt outcomes. */
  public static final String END_ATTEMPTS = TaskSql.TASK_END_ATTEMPTS;

  /** The insert of a {@code POST /tasks/batch}. */
  public static final String INSERT_BATCH = TaskSql.TASK_INSERT_MANY;

  private TaskStatements() {}
}
