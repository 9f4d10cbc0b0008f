package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Admission from the lateness of a real event loop: the test keeps the loop busy in slices of
 * {@value #BUSY_MS} ms, as a loop with more requests ready than it serves is, and counts requests
 * towards the demand as it goes.
 */
class AdmissionControlTest {

  private static final long BUSY_MS = 30;

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final AtomicBoolean busy = new AtomicBoolean();

  @AfterEach
  void close() {
    busy.set(false);
    vertx.close().await();
  }

  @Test
  void a_loop_late_for_many_requests_admits_a_falling_share_and_all_once_the_flood_ends()
      throws InterruptedException {
    AdmissionControl control = onLoop(() -> new AdmissionControl(vertx));
    keepBusy(control, AdmissionControl.MIN_REQUESTS);

    Eventually.isTrue("the share falls to its floor", () -> onLoop(control::share) < 0.03);
    int admitted = onLoop(() -> admittedOf(control, 1_000));
    assertTrue(admitted >= 10 && admitted <= 30, admitted + " of 1,000 admitted at a fiftieth");

    busy.set(false);
    Eventually.isTrue("the share whole again", () -> onLoop(control::share) == 1.0);
  }

  @Test
  void a_loop_late_for_few_requests_admits_every_one() throws InterruptedException {
    AdmissionControl control = onLoop(() -> new AdmissionControl(vertx));
    AtomicInteger slices = keepBusy(control, 10);

    // Ten windows or more, each late, with ten requests in each slice: below the demand that
    // counts.
    Eventually.isTrue("ten windows of lateness", () -> slices.get() * BUSY_MS >= 10 * 100);
    assertEquals(1.0, onLoop(control::share));
    assertEquals(1_000, onLoop(() -> admittedOf(control, 1_000)));
  }

  @Test
  void an_idle_loop_admits_every_one() {
    AdmissionControl control = onLoop(() -> new AdmissionControl(vertx));
    assertEquals(1_000, onLoop(() -> admittedOf(control, 1_000)));
  }

  private static int admittedOf(AdmissionControl control, int offered) {
    int admitted = 0;
    for (int i = 0; i < offered; i++) {
      admitted += control.admitsOne() ? 1 : 0;
    }
    return admitted;
  }

  /**
   * Keeps the loop busy, slice after slice, each followed by {@code requests} arrivals, until
   * {@link #busy} is cleared; the count of slices so far.
   */
  private AtomicInteger keepBusy(AdmissionControl control, int requests) {
    AtomicInteger slices = new AtomicInteger();
    busy.set(true);
    context.runOnContext(start -> slice(control, requests, slices));
    return slices;
  }

  private void slice(AdmissionControl control, int requests, AtomicInteger slices) {
    if (!busy.get()) {
      return;
    }
    long end = System.nanoTime() + BUSY_MS * 1_000_000;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    for (int i = 0; i < requests; i++) {
      control.requestArrived();
    }
    slices.incrementAndGet();
    context.runOnContext(next -> slice(control, requests, slices));
  }

  /** {@code action}'s result, computed on the control's event loop. */
  private <T> T onLoop(Supplier<T> action) {
    Promise<T> result = Promise.promise();
    context.runOnContext(run -> result.complete(action.get()));
    return Future.await(result.future());
  }
}
