package dev.offload.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {

  private static final DoubleSupplier LOWEST = () -> 0.0;

  /** The largest double below 1, the top of the supplier's [0, 1) range. */
  private static final DoubleSupplier HIGHEST = () -> Math.nextDown(1.0);

  private static RetryPolicy policy(Duration base, Duration cap, DoubleSupplier random) {
    return new RetryPolicy(base, cap, random);
  }

  @Test
  void the_full_backoff_doubles_after_each_failed_attempt() {
    RetryPolicy policy = policy(Duration.ofSeconds(1), Duration.ofHours(1), HIGHEST);
    assertEquals(Duration.ofSeconds(1), policy.backoff(1));
    assertEquals(Duration.ofSeconds(2), policy.backoff(2));
    assertEquals(Duration.ofSeconds(4), policy.backoff(3));
    assertEquals(Duration.ofSeconds(8), policy.backoff(4));
    assertEquals(Duration.ofSeconds(512), policy.backoff(10));
  }

  @Test
  void the_lowest_jitter_gives_half_of_the_full_backoff() {
    RetryPolicy policy = policy(Duration.ofSeconds(1), Duration.ofHours(1), LOWEST);
    assertEquals(Duration.ofMillis(500), policy.backoff(1));
    assertEquals(Duration.ofSeconds(1), policy.backoff(2));
    assertEquals(Duration.ofSeconds(2), policy.backoff(3));
    assertEquals(Duration.ofSeconds(256), policy.backoff(10));
  }

  @ParameterizedTest(name = "random {0}")
  @ValueSource(doubles = {0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999})
  void jitter_stays_within_the_upper_half_of_the_full_backoff(double random) {
    RetryPolicy policy = policy(Duration.ofMillis(100), Duration.ofMinutes(10), () -> random);
    for (int attempt = 1; attempt <= 20; attempt++) {
      long full = Math.min(100L << (attempt - 1), Duration.ofMinutes(10).toMillis());
      long backoff = policy.backoff(attempt).toMillis();
      assertTrue(
          backoff >= full / 2 && backoff <= full,
          "attempt "
              + attempt
              + ": "
              + backoff
              + " ms not within ["
              + full / 2
              + ", "
              + full
              + "]");
      assertEquals(Math.round(full / 2.0 + random * full / 2.0), backoff, "attempt " + attempt);
    }
  }

  @Test
  void the_backoff_never_decreases_from_one_attempt_to_the_next() {
    RetryPolicy policy = policy(Duration.ofMillis(10), Duration.ofMinutes(1), () -> 0.5);
    Duration previous = Duration.ZERO;
    for (int attempt = 1; attempt <= 100; attempt++) {
      Duration backoff = policy.backoff(attempt);
      assertTrue(
          backoff.compareTo(previous) >= 0,
          "attempt " + attempt + ": " + backoff + " < " + previous);
      previous = backoff;
    }
  }

  @Test
  void the_cap_bounds_the_full_backoff() {
    Duration cap = Duration.ofSeconds(10);
    assertEquals(cap, policy(Duration.ofSeconds(1), cap, HIGHEST).backoff(5));
    assertEquals(cap, policy(Duration.ofSeconds(1), cap, HIGHEST).backoff(30));
    assertEquals(Duration.ofSeconds(5), policy(Duration.ofSeconds(1), cap, LOWEST).backoff(30));
  }

  @Test
  void a_cap_below_the_base_wins_from_the_first_attempt() {
    assertEquals(
        Duration.ofSeconds(2),
        policy(Duration.ofMinutes(1), Duration.ofSeconds(2), HIGHEST).backoff(1));
  }

  @ParameterizedTest(name = "attempt {0}")
  @ValueSource(ints = {41, 63, 64, 1_000, 1_000_000, Integer.MAX_VALUE})
  void huge_attempt_numbers_do_not_overflow_past_the_cap(int attempt) {
    // The largest base and cap the configuration allows.
    Duration cap = Duration.ofDays(30);
    assertEquals(cap, policy(Duration.ofDays(1), cap, HIGHEST).backoff(attempt));
    assertEquals(cap.dividedBy(2), policy(Duration.ofDays(1), cap, LOWEST).backoff(attempt));
    assertEquals(
        Duration.ofHours(1),
        policy(Duration.ofMillis(1), Duration.ofHours(1), HIGHEST).backoff(attempt));
  }

  @ParameterizedTest(name = "attempt {0}")
  @ValueSource(ints = {0, -1})
  void an_attempt_number_below_1_backs_off_like_the_first(int attempt) {
    RetryPolicy policy = policy(Duration.ofSeconds(1), Duration.ofHours(1), LOWEST);
    assertEquals(policy.backoff(1), policy.backoff(attempt));
  }
}
