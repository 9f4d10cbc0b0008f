package dev.offload.testing;

import dev.offload.dispatch.Addresses;
import dev.offload.dispatch.DispatchMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;

/**
 * Runs a node's dispatcher one cycle at a time, like db-scheduler's {@code ManualScheduler}. The
 * node is real (HTTP, workers, PostgreSQL) but its dispatcher never claims by itself: no polling,
 * no next-due timer, no NOTIFY, no local wakes ({@link DispatchMode#MANUAL}). A test moves the
 * node's {@link MutableClock} and asks for one {@link #cycle}: a claim of what is due on that clock
 * now, within the node's free capacity, started at once. The attempts then run as in production:
 * wait for a task's state as usual.
 *
 * <pre>{@code
 * MutableClock clock = MutableClock.atNow();
 * TestNode node = offload.startManual(clock, Map.of()); // offload: an OffloadNodeExtension
 * String id = node.submit(Tasks.noop().delay("1h"));
 * assertEquals(0, node.cycle()); // not due yet
 * clock.advance(Duration.ofHours(1));
 * assertEquals(1, node.cycle()); // claimed and started
 * }</pre>
 */
public final class ManualDispatcher {

  private final Vertx vertx;

  /** The dispatcher of the node started in {@code vertx} with {@link DispatchMode#MANUAL}. */
  public ManualDispatcher(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * One dispatcher cycle. Completes once its claim is done and what it claimed has started, with
   * how many tasks that is; fails if the claim failed (the database is away, say).
   */
  public Future<Integer> cycle() {
    return vertx.eventBus().<Integer>request(Addresses.DISPATCHER_CYCLE, null).map(Message::body);
  }
}
