package dev.offload.store;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Wakes every node's dispatcher once inserted tasks are committed: {@code NOTIFY} on the task channel, in a
 * statement of its own after the insert's commit rather than inside the insert. PostgreSQL lets one
 * notifying transaction commit at a time (a database-wide lock held until its commit is flushed to disk), so
 * inserts that notified themselves committed one after the other, however many ran at once.
 *
 * <p>One wake statement is in flight at a time; wakes asked for meanwhile are merged (due now, and the
 * earliest later start) and sent after it. A wake lost to a crash between the commit and the notify, or to a
 * failed statement, costs a delay, never a task: dispatchers also poll. Shared by the event loops of a node.
 */
final class Wakeups {

  private final Pool client;
  private final String channel;
  private boolean sending;
  private boolean dueNow;
  private Instant earliestLater;

  Wakeups(Pool client, String channel) {
    this.client = client;
    this.channel = channel;
  }

  /** Tasks were committed: {@code dueNow} if some are due now, {@code earliestLater} (or null) for the others. */
  void committed(boolean dueNow, Instant earliestLater) {
    synchronized (this) {
      this.dueNow |= dueNow;
      if (earliestLater != null && (this.earliestLater == null || earliestLater.isBefore(this.earliestLater))) {
        this.earliestLater = earliestLater;
      }
      if (sending) {
        return;
      }
      sending = true;
    }
    send();
  }

  private void send() {
    List<String> payloads = new ArrayList<>(2);
    synchronized (this) {
      if (dueNow) {
        payloads.add("now");
      }
      if (earliestLater != null) {
        // Rounded up: a dispatcher woken a moment early would find nothing due.
        long millis = earliestLater.getEpochSecond() * 1000 + (earliestLater.getNano() + 999_999) / 1_000_000;
        payloads.add("at:" + millis);
      }
      dueNow = false;
      earliestLater = null;
      if (payloads.isEmpty()) {
        sending = false;
        return;
      }
    }
    client.preparedQuery(TaskSql.WAKE).execute(Tuple.of(channel).addArrayOfString(payloads.toArray(String[]::new)))
        .onComplete(sent -> send());
  }
}
