package dev.offload.task;

import io.vertx.core.json.EncodeException;
import io.vertx.core.json.Json;
import java.time.Duration;

/**
 * How an attempt's handler ended: the result as JSON text (completed), or the error message
 * (failed: retry if attempts remain, after {@code retryAfter} when the handler asked for it;
 * discarded: never retry).
 */
public record AttemptOutcome(Status status, String resultJson, String error, Duration retryAfter) {

  public enum Status {
    COMPLETED,
    FAILED,
    DISCARDED
  }

  private static final int MAX_ERROR_LENGTH = 2_000;

  /** A handler's return value; one that is not JSON fails the attempt. */
  public static AttemptOutcome ofResult(Object result) {
    try {
      return new AttemptOutcome(
          Status.COMPLETED, result == null ? null : Json.encode(result), null, null);
    } catch (EncodeException e) {
      return failed("the result is not JSON: " + e.getMessage());
    }
  }

  /**
   * A handler's failure; an interrupt or cancellation is reported by {@code stopReason}, why the
   * attempt was asked to stop (null if it was not).
   */
  public static AttemptOutcome ofFailure(Throwable failure, String stopReason) {
    if (failure instanceof DiscardTaskException) {
      return new AttemptOutcome(Status.DISCARDED, null, truncate(failure.getMessage()), null);
    }
    if (failure instanceof RetryTaskException retry) {
      return new AttemptOutcome(Status.FAILED, null, truncate(retry.getMessage()), retry.after());
    }
    if (stopReason != null) {
      return failed(stopReason);
    }
    if (failure instanceof InterruptedException) {
      return failed("interrupted");
    }
    String message = failure.getMessage();
    return failed(truncate(failure.getClass().getName() + (message == null ? "" : ": " + message)));
  }

  /**
   * A failure a remote worker reported: retried after {@code retryAfter} (null: the backoff), or
   * never if {@code discard}. The message is kept to the length of a local handler's.
   */
  public static AttemptOutcome reported(String error, Duration retryAfter, boolean discard) {
    return discard
        ? new AttemptOutcome(Status.DISCARDED, null, truncate(error), null)
        : new AttemptOutcome(Status.FAILED, null, truncate(error), retryAfter);
  }

  public static AttemptOutcome failed(String error) {
    return new AttemptOutcome(Status.FAILED, null, error, null);
  }

  private static String truncate(String message) {
    String text = message == null ? "" : message;
    return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH) + "…";
  }
}
