package dev.offload.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Background load: submits {@code noop} tasks at a steady rate (open loop: on schedule, whether or not earlier ones
 * have been answered), for as long as it runs. A 10 ms timer catches up with the schedule, so timer jitter does not
 * lower the rate. At most {@link #MAX_IN_FLIGHT} submissions wait for an answer; beyond that it falls behind and
 * says so in its achieved rate rather than piling up requests.
 */
final class BackgroundSubmitter {

  private static final long TICK_MILLIS = 10;
  private static final int MAX_IN_FLIGHT = 256;

  private final Vertx vertx;
  private final TaskClient tasks;
  private final double perSecond;
  private final Listener listener;
  private final ErrorTally errors = new ErrorTally();
  private long timer = -1;
  private long startNanos;
  private long stopNanos;
  private volatile long sent;
  private volatile int inFlight;

  /** Told of each accepted submission: when it was sent ({@link System#nanoTime()}) and the task as answered. */
  interface Listener {
    void accepted(long sentNanos, JsonObject task);
  }

  BackgroundSubmitter(Vertx vertx, TaskClient tasks, double perSecond) {
    this(vertx, tasks, perSecond, (sentNanos, task) -> { });
  }

  BackgroundSubmitter(Vertx vertx, TaskClient tasks, double perSecond, Listener listener) {
    this.vertx = vertx;
    this.tasks = tasks;
    this.perSecond = perSecond;
    this.listener = listener;
  }

  void start() {
    startNanos = System.nanoTime();
    // The timer and every completion run on the same event loop (the timer's context), so no locking is needed.
    vertx.runOnContext(started -> timer = vertx.setPeriodic(TICK_MILLIS, tick -> submitDue()));
  }

  void stop() {
    vertx.cancelTimer(timer);
    stopNanos = System.nanoTime();
  }

  /** Whether no submission waits for its answer (once stopped: all have been answered or have failed). */
  boolean idle() {
    return inFlight == 0;
  }

  private void submitDue() {
    long due = (long) ((System.nanoTime() - startNanos) / 1e9 * perSecond);
    while (sent < due && inFlight < MAX_IN_FLIGHT) {
      sent++;
      inFlight++;
      long sentNanos = System.nanoTime();
      tasks.submit("noop", new JsonObject()).onComplete(answered -> {
        inFlight--;
        if (answered.failed()) {
          errors.add(answered.cause());
        } else {
          listener.accepted(sentNanos, answered.result());
        }
      });
    }
  }

  /** The figures, once stopped. */
  JsonObject figures() {
    errors.log("background submissions");
    double seconds = (stopNanos - startNanos) / 1e9;
    return new JsonObject()
      .put("background_submitted", sent)
      .put("background_per_s", seconds <= 0 ? 0 : LoadResult.round1(sent / seconds))
      .put("background_errors", errors.total());
  }
}
