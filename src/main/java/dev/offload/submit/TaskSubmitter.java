package dev.offload.submit;

import dev.offload.config.AllowedHosts;
import dev.offload.config.TaskConfig;
import dev.offload.metrics.TaskMetrics;
import dev.offload.store.ManyTasks;
import dev.offload.store.Submitted;
import dev.offload.store.TaskStore;
import dev.offload.task.IdempotencyConflictException;
import dev.offload.task.InvalidTaskException;
import dev.offload.task.Lane;
import dev.offload.task.NewTask;
import dev.offload.task.Task;
import dev.offload.task.TaskHandler;
import dev.offload.task.TaskHandlers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The one way tasks are created, whoever asks: {@code POST /tasks}, one task or a batch, and the
 * routes that hand an upload to a task ({@link UploadTasks}). Every task passes the same {@link
 * TaskChecks} (its kind is known, its handler accepts its args) and its handler decides its lane;
 * the store inserts and commits it, then wakes this node's dispatcher and the other nodes' (the
 * store's {@code Wakeups}). The checks throw {@link InvalidTaskException} before anything is
 * written. Callback tasks are the one exception: the store inserts them itself, in the statement
 * that makes their task final.
 *
 * <p>Single submissions are grouped into shared statements ({@link SubmissionGroup}), so create one
 * per HTTP verticle: an instance is confined to that verticle's event loop.
 */
public final class TaskSubmitter {

  private final TaskStore store;
  private final TaskChecks checks;
  private final SubmissionJson json;
  private final SubmissionGroup singles;
  private final TaskMetrics metrics;
  private final Clock clock;
  private final int defaultMaxAttempts;

  public TaskSubmitter(
      TaskStore store,
      TaskHandlers handlers,
      TaskConfig defaults,
      AllowedHosts allowedHosts,
      TaskMetrics metrics,
      Clock clock) {
    this.store = store;
    this.checks = new TaskChecks(handlers);
    this.json = new SubmissionJson(checks, defaults, allowedHosts);
    this.singles = new SubmissionGroup(store, clock, defaults.submitQueue());
    this.metrics = metrics;
    this.clock = clock;
    this.defaultMaxAttempts = defaults.defaultMaxAttempts();
  }

  /**
   * Fails with {@link dev.offload.support.OverloadedException} when a single submission now would
   * be refused anyway: for the route to check before the body is read and parsed, so that refusing
   * costs a node at capacity as little as possible.
   */
  public Future<Void> roomForOne() {
    return singles.full() ? Future.failedFuture(singles.refusal()) : Future.succeededFuture();
  }

  /**
   * The task described by a {@code POST /tasks} body, checked; {@code idempotencyKey} is the {@code
   * Idempotency-Key} header, or null; {@code traceparent} the trace it is submitted in, or null
   * (see {@code dev.offload.tracing.Traceparents}). Takes time in proportion to the body, on any
   * thread.
   */
  public NewTask parse(JsonObject body, String idempotencyKey, String traceparent) {
    return traced(json.parse(body, idempotencyKey, clock.instant()), traceparent);
  }

  /**
   * The task created, or the existing task that its unique key names, if the same request took that
   * key (else an {@link IdempotencyConflictException}).
   */
  public Future<Submitted> submit(NewTask task) {
    return counted(task, singles.submit(task))
        .compose(
            submitted ->
                submitted.sameRequest()
                    ? Future.succeededFuture(submitted)
                    : Future.failedFuture(new IdempotencyConflictException(task.uniqueKey())));
  }

  /**
   * {@code {"tasks": [...]}} checked and encoded for one statement; {@code idempotencyKey}, the
   * {@code Idempotency-Key} header or null, makes the batch one idempotent request; every task of
   * it is submitted in the trace {@code traceparent} (or null). Takes time in proportion to the
   * body, on any thread.
   */
  public ManyTasks prepareBatch(JsonObject body, String idempotencyKey, String traceparent) {
    Instant now = clock.instant();
    List<NewTask> tasks = json.parseBatch(body, idempotencyKey, now);
    return store.prepare(
        traceparent == null
            ? tasks
            : tasks.stream().map(task -> traced(task, traceparent)).toList(),
        now);
  }

  private static NewTask traced(NewTask task, String traceparent) {
    return traceparent == null ? task : task.withTraceparent(traceparent);
  }

  /** The batch inserted in one statement, all or none; its tasks' ids, in order. */
  public Future<List<UUID>> submitBatch(ManyTasks batch) {
    return store
        .insertMany(batch)
        .onSuccess(
            ids -> batch.tasks().forEach(task -> metrics.submitted(task.kind(), task.queue())));
  }

  /**
   * A task of {@code kind} with {@code args} and {@code timeout}, due now, its other options the
   * defaults: an upload's, once its body is stored. It is inserted on its own, not behind the
   * single submissions, whose bound refuses work before it is done; this one is bounded by the
   * pool's wait queue.
   */
  public Future<Task> submit(String kind, JsonObject args, Duration timeout) {
    TaskHandler handler = checks.handlerOf(kind);
    checks.checkArgs(handler, args);
    NewTask task =
        new NewTask(
            kind,
            Lane.of(handler),
            NewTask.DEFAULT_QUEUE,
            args,
            NewTask.DEFAULT_PRIORITY,
            defaultMaxAttempts,
            timeout,
            null,
            null,
            null,
            null,
            null,
            null);
    return counted(task, store.insert(task, clock.instant())).map(Submitted::task);
  }

  /** {@code submission} of {@code task}, counted in the metrics once it has created its task. */
  private Future<Submitted> counted(NewTask task, Future<Submitted> submission) {
    return submission.onSuccess(
        submitted -> {
          if (submitted.created()) {
            metrics.submitted(task.kind(), task.queue());
          }
        });
  }
}
