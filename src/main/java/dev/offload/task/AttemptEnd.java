package dev.offload.task;

import java.time.Instant;
import java.util.UUID;

/**
 * How one attempt ended, as written: the task's next state, when it may run again (retryable only),
 * its result as JSON text (completed only) and the attempt's error (failed attempts only). {@code
 * leaseToken} is set for an outcome a remote worker reported: it is written only if that token
 * still holds the attempt's lease, unexpired.
 */
public record AttemptEnd(
    UUID taskId,
    int attempt,
    TaskState state,
    Instant retryAt,
    String resultJson,
    AttemptError error,
    UUID leaseToken) {

  public AttemptEnd(
      UUID taskId,
      int attempt,
      TaskState state,
      Instant retryAt,
      String resultJson,
      AttemptError error) {
    this(taskId, attempt, state, retryAt, resultJson, error, null);
  }

  /** This end, reported by the remote worker holding the lease {@code token}. */
  public AttemptEnd reportedWith(UUID token) {
    return new AttemptEnd(taskId, attempt, state, retryAt, resultJson, error, token);
  }
}
