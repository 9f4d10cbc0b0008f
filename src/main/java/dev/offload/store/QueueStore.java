package dev.offload.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Pauses and resumes queues. The pause is a row, so it lasts and every node's claims see it at once
 * (they read it in the claim statement); submissions to a paused queue still land. A resume wakes
 * the dispatchers, since the queue's tasks are due.
 */
public final class QueueStore {

  private final Pool client;
  private final Wakeups wakeups;

  public QueueStore(Pool client, Wakeups wakeups) {
    this.client = client;
    this.wakeups = wakeups;
  }

  public Future<Void> setPaused(String queue, boolean paused, Instant now) {
    return client
        .preparedQuery(QueueSql.QUEUE_SET_PAUSED)
        .execute(Tuple.of(queue, paused, TaskRows.timestamp(now)))
        .onSuccess(
            set -> {
              if (!paused) {
                wakeups.dueNow();
              }
            })
        .mapEmpty();
  }

  /** Each queue whose pause was ever set: whether it is paused. */
  public Future<Map<String, Boolean>> pauses() {
    return client
        .preparedQuery(QueueSql.QUEUE_LIST)
        .execute()
        .map(
            rows -> {
              Map<String, Boolean> paused = new HashMap<>();
              rows.forEach(row -> paused.put(row.getString("name"), row.getBoolean("paused")));
              return paused;
            });
  }
}
