package dev.offload.task;

import java.time.Instant;

/**
 * What an attempt's outcome makes of its task: completed with its result; else, while attempts are
 * left, retryable after the delay its handler asked for or the retry policy's backoff; else (or
 * when the handler discarded it) discarded. A failed attempt's error is kept, stamped {@code now}.
 * Pure: the caller gives the time and the policy. Whether a cancel request turns a failure into
 * {@code cancelled} is decided by the store when it writes the end, as only the database knows
 * whether one came meanwhile.
 */
public final class NextState {

  private NextState() {}

  public static AttemptEnd after(
      Task task, AttemptOutcome outcome, Instant now, RetryPolicy retryPolicy) {
    AttemptError error =
        outcome.error() == null ? null : new AttemptError(now, task.attempt(), outcome.error());
    return switch (outcome.status()) {
      case COMPLETED ->
          new AttemptEnd(
              task.id(), task.attempt(), TaskState.COMPLETED, null, outcome.resultJson(), null);
      case DISCARDED -> discarded(task, error);
      case FAILED ->
          task.attempt() >= task.maxAttempts()
              ? discarded(task, error)
              : new AttemptEnd(
                  task.id(),
                  task.attempt(),
                  TaskState.RETRYABLE,
                  now.plus(
                      outcome.retryAfter() != null
                          ? outcome.retryAfter()
                          : retryPolicy.backoff(task.attempt())),
                  null,
                  error);
    };
  }

  private static AttemptEnd discarded(Task task, AttemptError error) {
    return new AttemptEnd(task.id(), task.attempt(), TaskState.DISCARDED, null, null, error);
  }
}
