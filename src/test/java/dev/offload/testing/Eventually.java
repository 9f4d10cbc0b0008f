package dev.offload.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition that becomes true asynchronously, failing with a description after a
 * deadline.
 */
public final class Eventually {

  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(15);

  private Eventually() {}

  public static void isTrue(String description, BooleanSupplier condition)
      throws InterruptedException {
    isTrue(description, DEFAULT_WAIT, condition);
  }

  public static void isTrue(String description, Duration wait, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within " + wait.toMillis() + " ms: " + description);
      }
      Thread.sleep(20);
    }
  }

  /** Polls {@code value} until {@code accept} holds and returns it. */
  public static <T> T value(
      String description, Duration wait, Supplier<T> value, java.util.function.Predicate<T> accept)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    T last = value.get();
    while (!accept.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "not true within " + wait.toMillis() + " ms: " + description + "; last: " + last);
      }
      Thread.sleep(20);
      last = value.get();
    }
    return last;
  }
}
