package dev.offload.dispatch;

import dev.offload.metrics.TaskMetrics;
import dev.offload.store.AttemptStore;
import dev.offload.store.RemoteAttempt;
import dev.offload.store.RemoteSlot;
import dev.offload.store.RemoteWorker;
import dev.offload.task.AttemptOutcome;
import dev.offload.task.Task;
import dev.offload.tracing.AttemptSpan;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The remote lane (docs/workers.md): the claims of remote workers waiting on this node (long
 * polls), and the attempts claimed for them here. A waiting claim is an entry in a map and maybe a
 * timer: no thread, no connection. The claim loop claims for all of them at once ({@link #groups},
 * one statement per set of kinds and queues), woken by whatever wakes it for local work; each
 * waiting claim is answered with what was claimed for it ({@link #deliver}), or with nothing once
 * its wait is over. Attempts claimed here are kept in their own table of attempts in flight, which
 * counts them against queue limits and ends them at their timeout. What workers report about their
 * attempts ({@link #report}) goes through the same outcome path as local attempts, written only
 * while their lease token holds the lease. Confined to the dispatcher's event loop.
 */
final class RemoteLane {

  /** A remote worker's claim waiting here; one per worker: a newer claim ends the older one. */
  private static final class Waiter {
    final RemoteClaim claim;
    final Promise<ClaimedAttempts> answer = Promise.promise();
    long timer = -1;

    /** Its slots took part in the claim in flight, if any. */
    boolean included;

    Waiter(RemoteClaim claim) {
      this.claim = claim;
    }

    RemoteWorker worker() {
      return claim.worker();
    }
  }

  /** Remote workers waiting with the same kinds and queues share a claim statement. */
  record Group(Set<String> kinds, Set<String> queues, List<RemoteSlot> slots) {}

  private final Vertx vertx;
  private final AttemptStore store;
  private final Clock clock;
  private final TaskMetrics metrics;
  private final InFlightAttempts inFlight;
  private final Reporter reporter;
  private final Runnable wake;
  private final Map<UUID, Waiter> waiting = new LinkedHashMap<>();
  private boolean stopped;

  /** How a reported end is written: see {@link AttemptRunner#endReported}. */
  interface Reporter {
    Future<Boolean> end(Task task, AttemptOutcome outcome, UUID leaseToken, AttemptSpan span);
  }

  /**
   * @param wake asks the claim loop to claim: a worker is waiting, or has room again
   */
  RemoteLane(
      Vertx vertx,
      AttemptStore store,
      Clock clock,
      TaskMetrics metrics,
      InFlightAttempts inFlight,
      Reporter reporter,
      Runnable wake) {
    this.vertx = vertx;
    this.store = store;
    this.clock = clock;
    this.metrics = metrics;
    this.inFlight = inFlight;
    this.reporter = reporter;
    this.wake = wake;
  }

  /** A worker's claim: answered once attempts were claimed for it, or its wait is over. */
  Future<ClaimedAttempts> claim(RemoteClaim claim) {
    UUID workerId = claim.worker().id();
    Waiter older = waiting.remove(workerId);
    if (older != null) {
      answer(older, List.of());
    }
    if (stopped) {
      return Future.succeededFuture(new ClaimedAttempts(List.of()));
    }
    Waiter waiter = new Waiter(claim);
    if (claim.waitFor().isZero() && room(waiter) == 0) {
      return Future.succeededFuture(new ClaimedAttempts(List.of()));
    }
    waiting.put(workerId, waiter);
    if (!claim.waitFor().isZero()) {
      waiter.timer =
          vertx.setTimer(
              claim.waitFor().toMillis(),
              id -> {
                if (waiting.remove(workerId, waiter)) {
                  answer(waiter, List.of());
                }
              });
    }
    wake.run();
    return waiter.answer.future();
  }

  /** Ends a claim whose client went away, if it still waits: nothing is claimed for it any more. */
  void cancel(RemoteClaim.Cancel cancel) {
    Waiter waiter = waiting.get(cancel.workerId());
    if (waiter != null && waiter.claim.id().equals(cancel.claimId())) {
      waiting.remove(cancel.workerId());
      answer(waiter, List.of());
    }
  }

  /** How many attempts the waiting workers could take now. */
  int demand() {
    int demand = 0;
    for (Waiter waiter : waiting.values()) {
      demand += room(waiter);
    }
    return demand;
  }

  /**
   * The slots of every waiting worker with room, by kinds and queues, for one claim; those workers
   * are answered by {@link #deliver} after it.
   */
  List<Group> groups() {
    Map<List<Set<String>>, List<RemoteSlot>> slots = new LinkedHashMap<>();
    for (Waiter waiter : waiting.values()) {
      int room = room(waiter);
      waiter.included = room > 0;
      RemoteWorker worker = waiter.worker();
      List<RemoteSlot> group =
          slots.computeIfAbsent(
              List.of(Set.copyOf(worker.kinds()), Set.copyOf(worker.queues())),
              key -> new ArrayList<>());
      for (int i = 0; i < room; i++) {
        group.add(new RemoteSlot(worker.id(), worker.name()));
      }
    }
    List<Group> groups = new ArrayList<>();
    slots.forEach(
        (key, groupSlots) -> {
          if (!groupSlots.isEmpty()) {
            groups.add(new Group(key.get(0), key.get(1), groupSlots));
          }
        });
    return groups;
  }

  /**
   * Answers the waiting workers with what a claim took for them, and those that asked not to wait
   * and took part in it with nothing; gives back the attempts of workers no longer waiting.
   */
  void deliver(List<RemoteAttempt> claimed) {
    Map<UUID, List<RemoteAttempt>> byWorker = new HashMap<>();
    Map<UUID, UUID> orphans = new HashMap<>();
    for (RemoteAttempt attempt : claimed) {
      if (waiting.containsKey(attempt.workerId())) {
        byWorker.computeIfAbsent(attempt.workerId(), id -> new ArrayList<>()).add(attempt);
      } else { // its claim ended (wait over, replaced, node stopping) while the statement ran
        orphans.put(attempt.task().id(), attempt.leaseToken());
      }
    }
    byWorker.forEach(
        (workerId, attempts) -> {
          Waiter waiter = waiting.remove(workerId);
          for (RemoteAttempt attempt : attempts) {
            inFlight.add(attempt);
            metrics.started(attempt.task());
            AttemptLog.started(attempt.task());
          }
          answer(waiter, attempts);
        });
    waiting
        .values()
        .removeIf(
            waiter -> {
              boolean done = waiter.included && waiter.claim.waitFor().isZero();
              if (done) {
                answer(waiter, List.of());
              }
              return done;
            });
    handBack(orphans);
  }

  /** Gives attempts claimed for workers back, untouched: available again, attempt not counted. */
  Future<Set<UUID>> handBack(Map<UUID, UUID> leases) {
    return store.releaseRemote(leases, clock.instant());
  }

  /** An attempt claimed here ended without a report (timed out): its worker has room again. */
  void freed() {
    wake.run();
  }

  /** Answers every waiting claim with nothing, and takes no more. */
  void stop() {
    stopped = true;
    waiting.values().forEach(waiter -> answer(waiter, List.of()));
    waiting.clear();
  }

  /**
   * Takes a worker's reports; completes with, for each, whether it was taken. Progress of an
   * attempt claimed here is saved with the local attempts' (coalesced); an end of one goes to the
   * outcome path at once. The others (claimed through another node, or stale) are looked up first.
   */
  Future<RemoteReports.Taken> report(RemoteReports reports) {
    List<Future<Boolean>> taken = new ArrayList<>(reports.reports().size());
    Map<UUID, UUID> unknown = new HashMap<>();
    for (RemoteReport report : reports.reports()) {
      InFlightAttempts.InFlight running = held(report);
      if (running == null && report.type() != RemoteReport.Type.PROGRESS) {
        unknown.put(report.taskId(), report.leaseToken());
      }
    }
    Future<Map<UUID, Task>> found =
        unknown.isEmpty()
            ? Future.succeededFuture(Map.of())
            : store
                .leased(unknown, clock.instant())
                .map(
                    leased -> {
                      Map<UUID, Task> byTask = new HashMap<>();
                      leased.forEach(attempt -> byTask.put(attempt.task().id(), attempt.task()));
                      return byTask;
                    });
    return found.compose(
        leased -> {
          for (RemoteReport report : reports.reports()) {
            taken.add(take(report, leased));
          }
          return Future.all(taken)
              .map(all -> new RemoteReports.Taken(taken.stream().map(Future::result).toList()));
        });
  }

  private Future<Boolean> take(RemoteReport report, Map<UUID, Task> leased) {
    InFlightAttempts.InFlight running = held(report);
    Task task = running != null ? running.attempt.task() : leased.get(report.taskId());
    if (report.type() == RemoteReport.Type.PROGRESS) {
      if (running != null) {
        running.attempt.progress(report.progress());
        return Future.succeededFuture(true);
      }
      return store.setRemoteProgress(
          report.taskId(), report.leaseToken(), report.progress(), clock.instant());
    }
    if (task == null) {
      return Future.succeededFuture(false);
    }
    // An attempt claimed through another node has its span there.
    AttemptSpan span = AttemptSpan.NONE;
    if (running != null) {
      inFlight.remove(report.taskId());
      span = running.span;
      wake.run(); // its worker has room again
    }
    return switch (report.type()) {
      case COMPLETE ->
          reporter.end(
              task,
              new AttemptOutcome(AttemptOutcome.Status.COMPLETED, report.resultJson(), null, null),
              report.leaseToken(),
              span);
      case FAIL ->
          reporter.end(
              task,
              AttemptOutcome.reported(report.error(), report.retryIn(), report.discard()),
              report.leaseToken(),
              span);
      case RELEASE -> release(task, report.leaseToken(), span);
      case PROGRESS -> throw new IllegalStateException("handled above");
    };
  }

  /**
   * Hands the task back, the attempt not counted; if its cancellation was requested, it ends
   * cancelled instead, as a local attempt stopped on request does.
   */
  private Future<Boolean> release(Task task, UUID token, AttemptSpan span) {
    return handBack(Map.of(task.id(), token))
        .compose(
            released -> {
              if (released.contains(task.id())) {
                span.handedBack("released by its worker");
                return Future.succeededFuture(true);
              }
              return reporter.end(task, AttemptOutcome.failed("cancelled on request"), token, span);
            });
  }

  /** The attempt claimed here that the report's token holds, if it has not ended. */
  private InFlightAttempts.InFlight held(RemoteReport report) {
    InFlightAttempts.InFlight running = inFlight.get(report.taskId());
    return running != null
            && !running.ended
            && running.remote != null
            && running.remote.leaseToken().equals(report.leaseToken())
        ? running
        : null;
  }

  /** Room for more attempts: within its claim's max, and its concurrency less what it runs. */
  private int room(Waiter waiter) {
    RemoteWorker worker = waiter.worker();
    return Math.max(
        0, Math.min(waiter.claim.max(), worker.concurrency() - inFlight.ofWorker(worker.id())));
  }

  private void answer(Waiter waiter, List<RemoteAttempt> attempts) {
    if (waiter.timer >= 0) {
      vertx.cancelTimer(waiter.timer);
    }
    waiter.answer.tryComplete(new ClaimedAttempts(attempts));
  }
}
