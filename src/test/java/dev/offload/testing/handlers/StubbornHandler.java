package dev.offload.testing.handlers;

import dev.offload.task.TaskContext;
import dev.offload.task.TaskHandler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code test.stubborn}: ignores interrupts. Attempt 1 overruns its timeout and returns only once
 * attempt 2 has started; attempt 2 returns a little after attempt 1 did. So a timed-out attempt's
 * late reply always arrives while the retry runs on the same node.
 */
public final class StubbornHandler implements TaskHandler {

  private static volatile CountDownLatch secondStarted = new CountDownLatch(1);
  private static volatile CountDownLatch firstReturned = new CountDownLatch(1);

  public static void reset() {
    secondStarted = new CountDownLatch(1);
    firstReturned = new CountDownLatch(1);
  }

  @Override
  public String kind() {
    return "test.stubborn";
  }

  @Override
  public Object run(TaskContext context) {
    if (context.attempt() == 1) {
      awaitIgnoringInterrupts(secondStarted);
      firstReturned.countDown();
    } else {
      secondStarted.countDown();
      awaitIgnoringInterrupts(firstReturned);
      sleepIgnoringInterrupts(200); // let attempt 1's reply reach the dispatcher first
    }
    return "done on attempt " + context.attempt();
  }

  private static void awaitIgnoringInterrupts(CountDownLatch latch) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (latch.getCount() > 0 && System.nanoTime() < deadline) {
      try {
        latch.await(10, TimeUnit.MILLISECONDS);
      } catch (InterruptedException ignored) {
        // stubborn on purpose
      }
    }
  }

  private static void sleepIgnoringInterrupts(long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException ignored) {
        // stubborn on purpose
      }
    }
  }
}
