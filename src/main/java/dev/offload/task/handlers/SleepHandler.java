package dev.offload.task.handlers;

import dev.offload.task.TaskContext;
import dev.offload.task.TaskHandler;
import io.vertx.core.json.JsonObject;

/**
 * The seeds' {@code long_task}: blocks its worker thread for {@code args.seconds}, reporting
 * progress as it goes and stopping early when asked to.
 */
public final class SleepHandler implements TaskHandler {

  static final double MAX_SECONDS = 86_400;
  private static final long SLICE_MILLIS = 100;

  @Override
  public String kind() {
    return "sleep";
  }

  @Override
  public void validate(JsonObject args) {
    Object seconds = args.getValue("seconds");
    if (!(seconds instanceof Number number)) {
      throw new IllegalArgumentException("args.seconds is required: a number of seconds to sleep");
    }
    double value = number.doubleValue();
    if (!(value >= 0 && value <= MAX_SECONDS)) {
      throw new IllegalArgumentException(
          "args.seconds must be between 0 and " + (long) MAX_SECONDS);
    }
  }

  @Override
  public Object run(TaskContext context) throws InterruptedException {
    long total = Math.round(context.args().getDouble("seconds") * 1000);
    long started = System.nanoTime();
    long elapsed;
    while ((elapsed = (System.nanoTime() - started) / 1_000_000) < total) {
      // Sleeping in slices keeps progress fresh; an interrupt (timeout, cancel) ends the sleep at
      // once.
      Thread.sleep(Math.min(SLICE_MILLIS, total - elapsed));
      context.progress(Math.min(1.0, (System.nanoTime() - started) / 1e6 / total));
    }
    return new JsonObject().put("message", "Task Completed").put("slept_ms", total);
  }
}
