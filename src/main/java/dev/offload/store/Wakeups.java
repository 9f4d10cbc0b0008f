package dev.offload.store;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one way dispatchers are woken: the task and attempt stores call it after the commit of every
 * statement that makes tasks due (inserts, retry, hand-back, rescue, and the callback tasks that
 * finalizing statements insert). It wakes this node's dispatcher at once over the local event bus
 * ({@link #LOCAL_ADDRESS}), and every node's (this one's too) with {@code NOTIFY} on the task
 * channel: payload {@code now} for tasks due now, or {@code at:<epoch millis>} (rounded up) for the
 * earliest task due later, so dispatchers can set a timer for it.
 *
 * <p>The NOTIFY is a statement of its own after the commit, never part of the statement that
 * changed the tasks: PostgreSQL lets one notifying transaction commit at a time (a database-wide
 * lock held until its commit is flushed to disk), so statements that notified themselves committed
 * one after the other, however many ran at once. One NOTIFY statement is in flight at a time; wakes
 * asked for meanwhile are merged (due now, and the earliest later start) and sent after it. A wake
 * lost to a crash between the commit and the notify, or to a failed statement, costs a delay, never
 * a task: dispatchers also poll. One per node, shared by its stores and their event loops, so that
 * all their wakes are merged.
 */
public final class Wakeups {

  /** This node's dispatcher listens here; any body means "tasks may be due now". */
  public static final String LOCAL_ADDRESS = "offload.dispatcher.wake";

  /**
   * Untraced: a wake sent from a submission's request would otherwise take the dispatcher's claim
   * into that request's trace, although it claims whatever is due. The attempts join their own
   * submissions' traces (see {@code dev.offload.tracing.AttemptTracing}).
   */
  private static final DeliveryOptions UNTRACED =
      new DeliveryOptions().setTracingPolicy(TracingPolicy.IGNORE);

  private final Vertx vertx;
  private final Pool client;
  private final String channel;
  private boolean sending;
  private boolean dueNow;
  private Instant earliestLater;

  /**
   * @param vertx whose event bus carries the wake to this node's dispatcher
   * @param channel the task channel every node's dispatcher listens on
   */
  public Wakeups(Vertx vertx, Pool client, String channel) {
    this.vertx = vertx;
    this.client = client;
    this.channel = channel;
  }

  /**
   * Tasks were committed: {@code dueNow} if some are due now, {@code earliestLater} (or null) for
   * the others.
   */
  void committed(boolean dueNow, Instant earliestLater) {
    if (dueNow) {
      // Not merged: a local message is cheap, and the dispatcher runs one claim at a time whatever
      // it hears.
      vertx.eventBus().send(LOCAL_ADDRESS, null, UNTRACED);
    }
    synchronized (this) {
      this.dueNow |= dueNow;
      if (earliestLater != null
          && (this.earliestLater == null || earliestLater.isBefore(this.earliestLater))) {
        this.earliestLater = earliestLater;
      }
      if (sending) {
        return;
      }
      sending = true;
    }
    send();
  }

  /** Tasks are due now. */
  void dueNow() {
    committed(true, null);
  }

  private void send() {
    List<String> payloads = new ArrayList<>(2);
    synchronized (this) {
      if (dueNow) {
        payloads.add("now");
      }
      if (earliestLater != null) {
        // Rounded up: a dispatcher woken a moment early would find nothing due.
        long millis =
            earliestLater.getEpochSecond() * 1000 + (earliestLater.getNano() + 999_999) / 1_000_000;
        payloads.add("at:" + millis);
      }
      dueNow = false;
      earliestLater = null;
      if (payloads.isEmpty()) {
        sending = false;
        return;
      }
    }
    client
        .preparedQuery(TaskSql.WAKE)
        .execute(Tuple.of(channel).addArrayOfString(payloads.toArray(String[]::new)))
        .onComplete(sent -> send());
  }
}
