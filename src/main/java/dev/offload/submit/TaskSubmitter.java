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
import java.util.function.Supplier;

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
  private final RemoteKinds remoteKinds;
  private Future<Void> reloadingKinds;

  public TaskSubmitter(
      TaskStore store,
      TaskHandlers handlers,
      RemoteKinds remoteKinds,
      TaskConfig defaults,
      AllowedHosts allowedHosts,
      TaskMetrics metrics,
      Clock clock) {
    this.store = store;
    this.remoteKinds = remoteKinds;
    this.checks = new TaskChecks(handlers, remoteKinds);
    this.json = new SubmissionJson(checks, defaults, allowedHosts);
    this.singles = new SubmissionGroup(store, clock, defaults.submitQueue());
    this.metrics = metrics;
    this.clock = clock;
    this.defaultMaxAttempts = defaults.defaultMaxAttempts();
  }

  /**
   * Whether a single submission now would be refused ({@link
   * dev.offload.support.OverloadedException}): for the HTTP verticle to check before the request is
   * routed and its body read, so that refusing costs a node at capacity as little as possible.
   */
  public boolean full() {
    return singles.full();
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
   * What {@code parse} makes of a submission (it parses the body with {@link #parse} or {@link
   * #prepareBatch}); if that fails on an unknown kind, it runs once more after this node's copy of
   * the remote kinds is read anew: a kind a worker registered on another node a moment ago may not
   * have reached it yet. Unknown kinds cost a read then; known ones never do. The reads of one
   * submitter are shared, one at a time.
   */
  public <T> Future<T> withKnownKinds(Supplier<Future<T>> parse) {
    return parse
        .get()
        .recover(
            failure ->
                failure instanceof InvalidTaskException refused
                        && refused.code().equals(InvalidTaskException.UNKNOWN_KIND)
                    ? reloadKinds()
                        .transform(
                            reloaded ->
                                reloaded.succeeded() ? parse.get() : Future.failedFuture(failure))
                    : Future.failedFuture(failure));
  }

  private Future<Void> reloadKinds() {
    if (reloadingKinds == null) {
      reloadingKinds = remoteKinds.load().onComplete(loaded -> reloadingKinds = null);
    }
    return reloadingKinds;
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
