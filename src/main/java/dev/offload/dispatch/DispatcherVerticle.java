package dev.offload.dispatch;

import dev.offload.support.OutageLog;
import dev.offload.config.OffloadConfig;
import dev.offload.metrics.TaskMetrics;
import dev.offload.config.TaskConfig;
import dev.offload.task.AttemptEnd;
import dev.offload.store.TaskStore;
import dev.offload.support.Durations;
import dev.offload.task.AsyncTaskHandler;
import dev.offload.task.Lane;
import dev.offload.task.NextState;
import dev.offload.task.RetryPolicy;
import dev.offload.task.Task;
import dev.offload.task.TaskHandlers;
import dev.offload.task.TaskState;
import dev.offload.task.AttemptOutcome;
import dev.offload.task.RunningAttempt;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Moves due tasks from PostgreSQL to this node's idle worker verticles, and runs asynchronous handlers itself
 * on its event loop. It claims only as many tasks as it can start at once (see {@link ClaimPlanner}), so
 * unclaimed work stays in the database for other nodes. Woken by NOTIFY, by local
 * submissions, by workers becoming idle and by a polling fallback; one claim runs at a time and a wake during
 * a claim triggers another. It also times out attempts and turns worker outcomes into retries or final
 * states. One instance per node; event-loop confined.
 */
public final class DispatcherVerticle extends VerticleBase {

  /** Attempts end by their own timeout timer, never by an event-bus timeout. */
  private static final DeliveryOptions NO_SEND_TIMEOUT = new DeliveryOptions().setSendTimeout(Long.MAX_VALUE);
  private static final long TIMEOUT_SWEEP_MS = 50;
  private static final Comparator<Task> CLAIM_ORDER =
      Comparator.comparingInt(Task::priority).thenComparing(Task::scheduledAt).thenComparing(Task::id);

  private final TaskStore store;
  private final OffloadConfig config;
  private final TaskConfig tasks;
  private final Clock clock;
  private final RetryPolicy retryPolicy;
  private final TaskMetrics metrics;
  private final TaskHandlers handlers;
  private final ClaimPlanner planner;
  private int asyncRunning;
  private final Deque<String> idleWorkers = new ArrayDeque<>();
  private final Map<UUID, InFlight> inFlight = new HashMap<>();
  private final OutageLog claimLog = new OutageLog("claiming tasks");
  private AttemptEndWriter endWriter;
  private LeaseKeeper leaseKeeper;
  private TaskNotifications notifications;
  private boolean claiming;
  private boolean claimAgain;
  private boolean stopping;
  private Instant nextWake;
  private long wakeTimer;
  /** Completes when the claim in flight (if any) has handed its tasks over, or back. */
  private Future<Void> claimSettled = Future.succeededFuture();

  /**
   * One attempt running here, on a worker or (async) on this event loop; {@code ended} once its outcome is
   * decided (e.g. it timed out).
   */
  private static final class InFlight {
    final RunningAttempt attempt;
    final long deadlineNanos;
    final boolean async;
    boolean ended;

    InFlight(RunningAttempt attempt, boolean async) {
      this.attempt = attempt;
      this.deadlineNanos = System.nanoTime() + attempt.task().timeout().toNanos();
      this.async = async;
    }
  }

  public DispatcherVerticle(TaskStore store, OffloadConfig config, Clock clock, TaskHandlers handlers,
      TaskMetrics metrics) {
    this.metrics = metrics;
    this.handlers = handlers;
    this.planner = new ClaimPlanner(store, config, clock);
    this.store = store;
    this.config = config;
    this.tasks = config.tasks();
    this.clock = clock;
    this.retryPolicy = new RetryPolicy(tasks.retryBase(), tasks.retryCap(), ThreadLocalRandom.current()::nextDouble);
  }

  @Override
  public Future<?> start() {
    endWriter = new AttemptEndWriter(vertx, store, clock, config.database().retryInterval(), this::claim);
    metrics.watch(inFlight::size, idleWorkers::size);
    leaseKeeper = new LeaseKeeper(vertx, store, config.nodeId(), tasks, clock, this::runningAttempts,
        this::cancelRequested);
    notifications = new TaskNotifications(vertx, config.database(), this::claim, this::wakeAt, this::poll,
        this::cancelRequested);
    var joined = vertx.eventBus().<String>localConsumer(Addresses.WORKER_JOINED, this::workerJoined);
    var left = vertx.eventBus().<String>localConsumer(Addresses.WORKER_LEFT, message -> {
      idleWorkers.remove(message.body());
    });
    var wake = vertx.eventBus().localConsumer(Addresses.DISPATCHER_WAKE, message -> claim());
    vertx.setPeriodic(tasks.pollInterval().toMillis(), id -> poll());
    vertx.setPeriodic(TIMEOUT_SWEEP_MS, id -> sweepTimeouts());
    leaseKeeper.start();
    notifications.start();
    poll();
    return Future.all(joined.completion(), left.completion(), wake.completion());
  }

  /**
   * Stops claiming, lets running attempts finish within the shutdown grace, then stops those still running
   * and hands their tasks back (available again, the attempt not counted), so another node or a restart
   * picks them up at once instead of after the lease.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    return claimSettled.compose(ignored -> attemptsFinished(config.node().shutdownGrace())).transform(ignored -> {
      leaseKeeper.stop();
      List<UUID> unfinished = inFlight.entrySet().stream()
          .filter(entry -> !entry.getValue().ended)
          .map(Map.Entry::getKey)
          .toList();
      inFlight.values().forEach(running -> {
        running.ended = true;
        running.attempt.requestStop("node " + config.nodeId() + " is shutting down");
      });
      return Future.join(handBack(unfinished), endWriter.flushed(), notifications.close());
    });
  }

  /** Completes when no attempt runs here any more, or after {@code grace}. */
  private Future<Void> attemptsFinished(Duration grace) {
    if (inFlight.isEmpty() || grace.isZero()) {
      return Future.succeededFuture();
    }
    Promise<Void> finished = Promise.promise();
    long timer = vertx.setPeriodic(20, id -> {
      if (inFlight.isEmpty()) {
        finished.tryComplete();
      }
    });
    vertx.setTimer(grace.toMillis(), id -> finished.tryComplete());
    return finished.future().onComplete(ignored -> vertx.cancelTimer(timer));
  }

  private Future<Integer> handBack(List<UUID> taskIds) {
    return taskIds.isEmpty() ? Future.succeededFuture(0) : store.release(taskIds, config.nodeId());
  }

  /**
   * The fallback, also run whenever LISTEN (re)subscribes: claim whatever is due, and learn when the next
   * waiting task is due.
   */
  private void poll() {
    // Taken before the claim takes its own: a task that falls due in between is either claimed or found here.
    // Taken after, a task due in between would be neither, and would wait for the next wake.
    Instant now = clock.instant();
    claim();
    store.nextDue(now).onSuccess(next -> {
      if (next != null) {
        wakeAt(next);
      }
    });
  }

  /**
   * Polls at {@code at}: one timer, for the earliest time known, so that delayed tasks and retries start on
   * time instead of at the next poll. Polling then also finds the time after that one.
   */
  private void wakeAt(Instant at) {
    if (stopping || (nextWake != null && !at.isBefore(nextWake))) {
      return;
    }
    if (nextWake != null) {
      vertx.cancelTimer(wakeTimer);
    }
    nextWake = at;
    // Rounded up: waking a moment early would find nothing due.
    long delay = Math.max(1, (Duration.between(clock.instant(), at).toNanos() + 999_999) / 1_000_000);
    wakeTimer = vertx.setTimer(delay, id -> {
      nextWake = null;
      poll();
    });
  }

  private Collection<RunningAttempt> runningAttempts() {
    return inFlight.values().stream().map(f -> f.attempt).toList();
  }

  /**
   * Stops the attempt if it runs here. Its handler sees the request and its thread is interrupted; the
   * store then ends the task cancelled, unless the handler completed anyway.
   */
  private void cancelRequested(UUID taskId) {
    InFlight running = inFlight.get(taskId);
    if (running != null && !running.ended) {
      running.attempt.requestStop("cancelled on request");
    }
  }

  private void workerJoined(Message<String> message) {
    idleWorkers.add(message.body());
    claim();
  }

  private void claim() {
    if (stopping) {
      return;
    }
    if (claiming) {
      claimAgain = true;
      return;
    }
    // Outcomes waiting for a write hold their place, so claims never outrun the writes by more than a batch.
    int waiting = endWriter.waiting();
    int workerRoom = waiting > config.worker().asyncConcurrency() ? 0 : idleWorkers.size();
    int asyncRoom = config.worker().asyncConcurrency() - asyncRunning - waiting;
    int capacity = workerRoom + Math.max(0, asyncRoom);
    if (capacity <= 0) {
      return;
    }
    claiming = true;
    claimAgain = false;
    Promise<Void> settled = Promise.promise();
    claimSettled = settled.future();
    planner.claim(workerRoom, asyncRoom, this::runningInQueue,
        partial -> handBack(partial.stream().map(Task::id).toList())).onComplete(claimed -> {
      claiming = false;
      if (claimed.failed()) {
        claimLog.failed(claimed.cause());
        settled.complete();
        if (claimAgain) { // a wake came meanwhile: keep it, and try again once the database may be back
          vertx.setTimer(config.database().retryInterval().toMillis(), id -> claim());
        }
        return;
      }
      claimLog.succeeded();
      List<Task> due = claimed.result().stream().sorted(CLAIM_ORDER).toList();
      if (stopping) { // the workers are going away: give the tasks back untouched
        handBack(due.stream().map(Task::id).toList()).onComplete(ignored -> settled.complete());
        return;
      }
      due.forEach(task -> {
        if (task.lane() == Lane.ASYNC) {
          startAsync(task);
        } else {
          handOver(task);
        }
      });
      settled.complete();
      if (due.size() == capacity || claimAgain) {
        claim();
      }
    });
  }

  private long runningInQueue(String queue) {
    return inFlight.values().stream().filter(running -> running.attempt.task().queue().equals(queue)).count();
  }

  /** Starts an asynchronous handler on this event loop; it holds no worker while it waits. */
  private void startAsync(Task task) {
    RunningAttempt attempt = new RunningAttempt(task);
    inFlight.put(task.id(), new InFlight(attempt, true));
    asyncRunning++;
    metrics.started();
    Future<Object> result;
    try {
      result = ((AsyncTaskHandler) handlers.find(task.kind()).orElseThrow()).start(attempt, vertx);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    Context dispatcherContext = context;
    result.onComplete(done -> {
      // A handler may complete its future on another thread; the bookkeeping stays on this event loop.
      if (Vertx.currentContext() == dispatcherContext) {
        asyncFinished(task, attempt, done);
      } else {
        dispatcherContext.runOnContext(ignored -> asyncFinished(task, attempt, done));
      }
    });
  }

  private void asyncFinished(Task task, RunningAttempt attempt, AsyncResult<Object> done) {
    InFlight running = inFlight.get(task.id());
    if (running == null || running.attempt != attempt) {
      return; // it timed out and its task's next attempt runs here now: that one owns the entry
    }
    inFlight.remove(task.id());
    asyncRunning--;
    if (!running.ended) {
      AttemptOutcome outcome = done.succeeded()
          ? AttemptOutcome.ofResult(done.result())
          : AttemptOutcome.ofFailure(done.cause(), attempt.stopReason());
      endWith(task, outcome);
    }
    claim();
  }

  private void handOver(Task task) {
    String worker = idleWorkers.poll();
    if (worker == null) { // the worker left between the claim and now: give the task back untouched
      handBack(List.of(task.id()));
      return;
    }
    RunningAttempt attempt = new RunningAttempt(task);
    inFlight.put(task.id(), new InFlight(attempt, false));
    metrics.started();
    vertx.eventBus().<AttemptOutcome>request(worker, attempt, NO_SEND_TIMEOUT)
        .onComplete(reply -> workerReplied(task, worker, reply));
  }

  /**
   * Ends the attempts past their deadline. One sweep for all attempts, every {@value #TIMEOUT_SWEEP_MS} ms,
   * rather than a timer set and cancelled per attempt: at thousands of attempts a second, that adds up.
   */
  private void sweepTimeouts() {
    long now = System.nanoTime();
    List<InFlight> late = inFlight.values().stream()
        .filter(running -> !running.ended && now - running.deadlineNanos >= 0)
        .toList();
    late.forEach(this::timedOut);
  }

  private void timedOut(InFlight running) {
    String reason = "attempt timed out after " + Durations.format(running.attempt.task().timeout());
    running.ended = true;
    running.attempt.requestStop(reason);
    // The worker stays busy until its handler returns; its late outcome is ignored.
    endWith(running.attempt.task(), AttemptOutcome.failed(reason));
  }

  private void workerReplied(Task task, String worker, AsyncResult<Message<AttemptOutcome>> reply) {
    InFlight running = inFlight.get(task.id());
    // A timed-out attempt may return after the task's next attempt started here: the entry is then the
    // newer attempt's, and the late one's end was already written when it timed out.
    boolean current = running != null && running.attempt.task() == task;
    if (current) {
      inFlight.remove(task.id());
    }
    if (reply.failed() && reply.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS) {
      // The worker was undeployed before it saw the attempt: nothing ran, so hand the task back.
      if (current) {
        handBack(List.of(task.id()));
      }
      claim();
      return;
    }
    idleWorkers.add(worker);
    if (current && !running.ended) {
      if (reply.succeeded()) {
        AttemptOutcome outcome = reply.result().body();
        endWith(task, outcome);
      } else {
        endWith(task, AttemptOutcome.failed("worker failed: " + reply.cause().getMessage()));
      }
    }
    claim();
  }

  private void endWith(Task task, AttemptOutcome outcome) {
    AttemptEnd end = NextState.after(task, outcome, clock.instant(), retryPolicy);
    if (end.state() == TaskState.RETRYABLE) {
      wakeAt(end.retryAt());
    }
    metrics.ended(end.state());
    endWriter.add(end);
  }
}
