package dev.offload.dispatch;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One timer for the earliest due time known (a delayed task, a retry's backoff), so that such a
 * task starts on time instead of at the next poll. It runs {@code onDue} once, at that time; the
 * poll it triggers then learns the time after that one. A timer per task would cost a timer per
 * delayed task and per retry. Confined to the dispatcher's event loop.
 */
final class DueTimer {

  private final Vertx vertx;
  private final Clock clock;
  private final Runnable onDue;
  private Instant next;
  private long timer;

  DueTimer(Vertx vertx, Clock clock, Runnable onDue) {
    this.vertx = vertx;
    this.clock = clock;
    this.onDue = onDue;
  }

  /** Fires at {@code at}, unless the timer is already set for that time or earlier. */
  void at(Instant at) {
    if (next != null && !at.isBefore(next)) {
      return;
    }
    if (next != null) {
      vertx.cancelTimer(timer);
    }
    next = at;
    // Rounded up: waking a moment early would find nothing due.
    long delay =
        Math.max(1, (Duration.between(clock.instant(), at).toNanos() + 999_999) / 1_000_000);
    timer =
        vertx.setTimer(
            delay,
            id -> {
              next = null;
              onDue.run();
            });
  }
}
