package dev.offload.http;

import io.vertx.core.Vertx;

/**
 * Which share of the submissions an HTTP verticle admits, from how late its event loop runs: a
 * timer due every {@value #PROBE_MS} ms measures its lateness. A loop that has more requests ready
 * than it can serve runs its timers late by as long as it takes to go through them once, and the
 * requests wait as long in their sockets, where no queue of ours sees them; so lateness is the
 * queueing delay that no bound on our own queues can hold.
 *
 * <p>Per window of {@value #WINDOW_MS} ms, the smallest lateness counts, as in CoDel (Nichols and
 * Jacobson, 2012): one late timer (a garbage collection, a burst) is not saturation; every timer of
 * a window late is. The share halves after two windows in a row above {@value #TARGET_MS} ms (a
 * cold node compiling its code lags for one at times) that each brought at least {@value
 * #MIN_REQUESTS} requests: a loop that serves fewer is not late for its requests but for something
 * else (a node that starts, another process on its cores), and refusing would not help it; so such
 * a window also makes the share whole again, for the clients that come back after a flood. The
 * share never falls below a fiftieth, so that submissions keep going in however many are refused,
 * and it grows by a hundredth per window that keeps up: slowly, because a share grown faster (by a
 * quarter and a hundredth) overshot under a steady flood (bench/OPTIMIZATIONS.md). Refusing costs a
 * fraction of accepting, so admitting less frees the loop: at the equilibrium the loop lags about
 * the target, however much more is offered.
 *
 * <p>The timer runs only while the demand is there: it starts when {@value #MIN_REQUESTS} requests
 * come within a window, and stops after a window with fewer (the share whole again). An idle loop
 * that ran it anyway would wake 200 times a second for nothing: it more than doubled an idle node's
 * CPU (2.5% to 6.1% of a core).
 *
 * <p>Used on its verticle's event loop only.
 */
final class AdmissionControl {

  static final long PROBE_MS = 5;
  static final long TARGET_MS = 10;
  static final long WINDOW_MS = 100;
  static final int MIN_REQUESTS = 500;
  private static final double DECREASE = 0.5;
  private static final double MIN_SHARE = 0.02;
  private static final double INCREASE = 0.01;

  private static final long PROBE_NANOS = PROBE_MS * 1_000_000;
  private static final long TARGET_NANOS = TARGET_MS * 1_000_000;
  private static final long WINDOW_NANOS = WINDOW_MS * 1_000_000;

  private final Vertx vertx;
  private boolean probing;
  private long expected;
  private long windowStart;
  private long windowEnd;
  private long windowMin = Long.MAX_VALUE;
  private int windowRequests;
  private boolean lastWindowLate;
  private double share = 1;
  private double credit;
  private long timer;
  private boolean stopped;

  AdmissionControl(Vertx vertx) {
    this.vertx = vertx;
    windowStart = System.nanoTime();
  }

  /**
   * Counts a request, whatever it asks, towards the demand on the loop; the timer starts when the
   * demand is there.
   */
  void requestArrived() {
    windowRequests++;
    if (probing || stopped || windowRequests < MIN_REQUESTS) {
      return;
    }
    long now = System.nanoTime();
    windowRequests = 0;
    if (now - windowStart > WINDOW_NANOS) {
      windowStart = now; // as many, but spread over more than a window: count again
      return;
    }
    probing = true;
    lastWindowLate = false;
    windowMin = Long.MAX_VALUE;
    windowEnd = now + WINDOW_NANOS;
    schedule();
  }

  /** Whether to admit one more submission: {@code share} of them are. */
  boolean admitsOne() {
    credit = Math.min(1, credit + share);
    if (credit < 1) {
      return false;
    }
    credit -= 1;
    return true;
  }

  /** The share of submissions admitted now, 0 to 1. */
  double share() {
    return share;
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  private void schedule() {
    expected = System.nanoTime() + PROBE_NANOS;
    timer = vertx.setTimer(PROBE_MS, fired -> probe());
  }

  private void probe() {
    long now = System.nanoTime();
    windowMin = Math.min(windowMin, Math.max(0, now - expected));
    if (now >= windowEnd) {
      boolean demanded = windowRequests >= MIN_REQUESTS;
      boolean late = demanded && windowMin > TARGET_NANOS;
      if (!demanded) {
        share = 1;
      } else if (late && lastWindowLate) {
        share = Math.max(MIN_SHARE, share * DECREASE);
      } else if (!late) {
        share = Math.min(1, share + INCREASE);
      }
      lastWindowLate = late;
      windowMin = Long.MAX_VALUE;
      windowRequests = 0;
      windowEnd = now + WINDOW_NANOS;
      if (!demanded) {
        probing = false;
        windowStart = now;
        return;
      }
    }
    if (!stopped) {
      schedule();
    }
  }
}
