package dev.offload.submit;

import dev.offload.store.Submitted;
import dev.offload.store.TaskStore;
import dev.offload.support.OverloadedException;
import dev.offload.task.NewTask;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Group commit for single submissions: while {@value #MAX_INSERTS_IN_FLIGHT} inserts are in flight,
 * the submissions that arrive wait and then go out together, in one statement and one commit. An
 * idle service inserts each at once, so waiting costs nothing; a busy one makes far fewer commits,
 * and keeps a few in flight so that PostgreSQL flushes them to disk together rather than one after
 * the other. Each submission still gets its own answer (202 created, or 200 for a known unique
 * key). Confined to one HTTP verticle's event loop.
 *
 * <p>At most {@code maxPending} submissions are in progress, in the inserts in flight or waiting
 * for the next; one more is refused at once ({@link OverloadedException}: 503 overloaded). Without
 * that bound a node offered more than it commits would queue without end, and every answer, the
 * 202s too, would come later and later; with it, an accepted submission has at most that many ahead
 * of it, which the node commits in a bounded time.
 */
final class SubmissionGroup {

  private static final int MAX_GROUP = 1_000;

  /**
   * A group stops at this many characters of args (at least one task): the database client encodes
   * a statement's parameters on its event loop, which must not take 50 ms.
   */
  private static final long MAX_GROUP_ARGS_CHARS = 1024 * 1024;

  private static final int MAX_INSERTS_IN_FLIGHT = 2;

  private final TaskStore store;
  private final Clock clock;
  private final int maxPending;
  private List<NewTask> tasks = new ArrayList<>();
  private List<Promise<Submitted>> answers = new ArrayList<>();
  private int inFlight;

  /** Submissions taken and not yet answered: in an insert in flight, or waiting. */
  private int pending;

  SubmissionGroup(TaskStore store, Clock clock, int maxPending) {
    this.store = store;
    this.clock = clock;
    this.maxPending = maxPending;
  }

  /** Whether a submission now would be refused. */
  boolean full() {
    return pending >= maxPending;
  }

  Future<Submitted> submit(NewTask task) {
    if (full()) {
      return Future.failedFuture(refusal());
    }
    Promise<Submitted> answer = Promise.promise();
    pending++;
    tasks.add(task);
    answers.add(answer);
    if (inFlight < MAX_INSERTS_IN_FLIGHT) {
      insert();
    }
    return answer.future();
  }

  OverloadedException refusal() {
    return new OverloadedException(maxPending + " submissions are already in progress");
  }

  private void insert() {
    int size = 0;
    long chars = 0;
    while (size < Math.min(tasks.size(), MAX_GROUP)) {
      chars += tasks.get(size).encodedArgs().length();
      if (size > 0 && chars > MAX_GROUP_ARGS_CHARS) {
        break;
      }
      size++;
    }
    List<NewTask> group = new ArrayList<>(tasks.subList(0, size));
    List<Promise<Submitted>> waiting = new ArrayList<>(answers.subList(0, size));
    tasks = new ArrayList<>(tasks.subList(size, tasks.size()));
    answers = new ArrayList<>(answers.subList(size, answers.size()));
    inFlight++;
    Future<List<Submitted>> inserted =
        group.size() == 1
            ? store.insert(group.get(0), clock.instant()).map(List::of)
            : store.insertEach(group, clock.instant());
    inserted.onComplete(
        done -> {
          for (int i = 0; i < waiting.size(); i++) {
            if (done.succeeded()) {
              waiting.get(i).complete(done.result().get(i));
            } else {
              waiting.get(i).fail(done.cause());
            }
          }
          inFlight--;
          pending -= waiting.size();
          if (!tasks.isEmpty()) {
            insert();
          }
        });
  }
}
