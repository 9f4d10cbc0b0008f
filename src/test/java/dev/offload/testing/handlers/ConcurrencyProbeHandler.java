package dev.offload.testing.handlers;

import dev.offload.task.TaskContext;
import dev.offload.task.TaskHandler;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code test.probe}: blocks {@code args.ms} and records how many probes ran at once in this JVM,
 * the concurrency a limit must bound, seen from the handlers themselves.
 */
public final class ConcurrencyProbeHandler implements TaskHandler {

  private static final AtomicInteger running = new AtomicInteger();
  private static final AtomicInteger mostAtOnce = new AtomicInteger();

  public static void reset() {
    mostAtOnce.set(0);
  }

  public static int mostAtOnce() {
    return mostAtOnce.get();
  }

  @Override
  public String kind() {
    return "test.probe";
  }

  @Override
  public Object run(TaskContext context) throws InterruptedException {
    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      Thread.sleep(context.args().getLong("ms", 100L));
      return null;
    } finally {
      running.decrementAndGet();
    }
  }
}
