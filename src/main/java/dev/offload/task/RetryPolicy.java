package dev.offload.task;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: after failed attempt n the task waits about {@code base *
 * 2^(n-1)}, capped, and randomised into the upper half of that so that tasks failing together do
 * not retry together.
 */
public final class RetryPolicy {

  private final Duration base;
  private final Duration cap;
  private final DoubleSupplier random;

  /**
   * @param random uniform in [0, 1)
   */
  public RetryPolicy(Duration base, Duration cap, DoubleSupplier random) {
    this.base = base;
    this.cap = cap;
    this.random = random;
  }

  public Duration backoff(int failedAttempt) {
    int doublings = Math.min(Math.max(failedAttempt - 1, 0), 40);
    double full = Math.min(base.toMillis() * Math.pow(2, doublings), cap.toMillis());
    return Duration.ofMillis(Math.round(full / 2 + random.getAsDouble() * full / 2));
  }
}
