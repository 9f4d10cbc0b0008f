package dev.offload.task;

import java.time.Duration;

/**
 * Thrown (or failed with) by a handler to fail this attempt with a plain message, retrying after
 * {@code after} (e.g. an HTTP {@code Retry-After}) or, when it is null, after the usual backoff. A
 * task out of attempts is discarded as usual.
 */
public final class RetryTaskException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Duration after;

  public RetryTaskException(String message, Duration after) {
    super(message, null, false, false);
    this.after = after;
  }

  public Duration after() {
    return after;
  }
}
