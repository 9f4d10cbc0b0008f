package dev.offload.testing;

import dev.offload.OffloadNode;
import dev.offload.config.OffloadConfig;
import dev.offload.dispatch.Addresses;
import dev.offload.dispatch.DispatchMode;
import dev.offload.task.TaskHandlers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;

/**
 * Runs a node's dispatcher one cycle at a time, like db-scheduler's {@code ManualScheduler}. The node is real
 * (HTTP, workers, PostgreSQL) but its dispatcher never claims by itself: no polling, no next-due timer, no
 * NOTIFY, no local wakes ({@link DispatchMode#MANUAL}). A test moves the node's {@link MutableClock} and asks
 * for one {@link #cycle}: a claim of what is due on that clock now, within the node's free capacity, started
 * at once. The attempts then run as in production: wait for a task's state as usual.
 *
 * <pre>{@code
 * MutableClock clock = MutableClock.atNow();
 * OffloadNode node = ManualDispatcher.startNode(vertx, TestNodes.config(db, Map.of()), clock);
 * ManualDispatcher dispatcher = new ManualDispatcher(vertx);
 * // submit a task with "delay": "1h"
 * assertEquals(0, dispatcher.cycle().await()); // not due yet
 * clock.advance(Duration.ofHours(1));
 * assertEquals(1, dispatcher.cycle().await()); // claimed and started
 * }</pre>
 */
public final class ManualDispatcher {

  private final Vertx vertx;

  /** The dispatcher of the node started in {@code vertx} by {@link #startNode}. */
  public ManualDispatcher(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Starts a node with every handler on the test classpath and a manual dispatcher, and waits until its
   * database part (dispatcher and workers included) is ready. Call from the test thread.
   */
  public static OffloadNode startNode(Vertx vertx, OffloadConfig config, MutableClock clock)
      throws InterruptedException {
    OffloadNode node = OffloadNode.start(vertx, config, clock, TaskHandlers.discover(), DispatchMode.MANUAL).await();
    Eventually.isTrue("the node's database part is ready", node::isDatabaseReady);
    return node;
  }

  /**
   * One dispatcher cycle. Completes once its claim is done and what it claimed has started, with how many
   * tasks that is; fails if the claim failed (the database is away, say).
   */
  public Future<Integer> cycle() {
    return vertx.eventBus().<Integer>request(Addresses.DISPATCHER_CYCLE, null).map(Message::body);
  }
}
