package dev.offload.bench;

/**
 * How long a closed-loop run lasts. {@link Timed}: a warm-up, then a measured window of fixed length; the rate is
 * what completed within the window, right for short requests. {@link Rounds}: each connection sends a fixed number
 * of requests, all connections starting together after their warm-up rounds; the rate is the requests over the time
 * to the last answer. Right for long requests (a 1 s wait), where a fixed window would cut waves of answers in half.
 */
sealed interface LoadShape {

  /**
   * {@code staggerSeconds}: the connections' first requests are spread evenly over this time, so that requests that
   * all wait the same D arrive at a steady N/D per second instead of in waves of N (0: all start at once).
   */
  record Timed(double warmUpSeconds, double measureSeconds, double staggerSeconds) implements LoadShape {

    Timed(double warmUpSeconds, double measureSeconds) {
      this(warmUpSeconds, measureSeconds, 0);
    }
  }

  record Rounds(int warmUpRounds, int rounds) implements LoadShape {
  }
}
