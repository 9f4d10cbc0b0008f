package dev.offload.store;

import static dev.offload.store.TaskRows.scheduledAt;
import static dev.offload.store.TaskRows.stateFor;
import static dev.offload.store.TaskRows.timestamp;

import dev.offload.task.NewTask;
import dev.offload.task.TaskIds;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The array parameters of TASK_INSERT_MANY (and TASK_INSERT_MANY_RETURNING_ROWS), one element per
 * task, with fresh ids; and what the insert's commit must wake. Built on any thread: encoding a
 * large batch's args is work to keep off the event loop ({@link TaskStore#prepare}). Built by both
 * {@link TaskStore#insertMany} and {@link TaskStore#insertEach}; kept out of the store so that it
 * reads as its statements.
 */
public final class ManyTasks {

  final List<NewTask> tasks;
  final Instant now;
  final UUID[] ids;
  final String[] uniqueKeys;
  final String[] requestHashes;
  final Tuple params;
  private boolean dueNow;
  private Instant earliestLater;

  ManyTasks(List<NewTask> tasks, Instant now, TaskIds taskIds) {
    this.tasks = tasks;
    this.now = now;
    int n = tasks.size();
    ids = new UUID[n];
    uniqueKeys = new String[n];
    String[] kinds = new String[n];
    String[] queues = new String[n];
    String[] states = new String[n];
    String[] args = new String[n];
    Integer[] priorities = new Integer[n];
    Integer[] maxAttempts = new Integer[n];
    Long[] timeouts = new Long[n];
    OffsetDateTime[] scheduledAts = new OffsetDateTime[n];
    String[] callbackUrls = new String[n];
    String[] lanes = new String[n];
    requestHashes = new String[n];
    String[] traceparents = new String[n];
    for (int i = 0; i < n; i++) {
      NewTask task = tasks.get(i);
      Instant scheduledAt = scheduledAt(task, now);
      if (scheduledAt.isAfter(now)) {
        earliestLater =
            earliestLater == null || scheduledAt.isBefore(earliestLater)
                ? scheduledAt
                : earliestLater;
      } else {
        dueNow = true;
      }
      ids[i] = taskIds.next(now);
      kinds[i] = task.kind();
      queues[i] = task.queue();
      states[i] = stateFor(scheduledAt, now).wireName();
      args[i] = task.encodedArgs();
      priorities[i] = task.priority();
      maxAttempts[i] = task.maxAttempts();
      timeouts[i] = task.timeout().toMillis();
      scheduledAts[i] = timestamp(scheduledAt);
      uniqueKeys[i] = task.uniqueKey();
      callbackUrls[i] = task.callbackUrl();
      lanes[i] = task.lane().wireName();
      requestHashes[i] = task.requestHash();
      traceparents[i] = task.traceparent();
    }
    params =
        Tuple.of(ids, kinds, queues, states, args, priorities, maxAttempts, timeouts)
            .addOffsetDateTime(timestamp(now))
            .addArrayOfOffsetDateTime(scheduledAts)
            .addArrayOfString(uniqueKeys)
            .addArrayOfString(callbackUrls)
            .addArrayOfString(lanes)
            .addArrayOfString(requestHashes)
            .addArrayOfString(traceparents);
  }

  /**
   * After the insert's commit; a task skipped for its unique key may wake dispatchers for nothing.
   */
  /** The tasks, in the order of the statement's arrays. */
  public List<NewTask> tasks() {
    return tasks;
  }

  void wake(Wakeups wakeups, int inserted) {
    if (inserted > 0) {
      wakeups.committed(dueNow, earliestLater);
    }
  }
}
