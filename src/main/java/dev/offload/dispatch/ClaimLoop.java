package dev.offload.dispatch;

import dev.offload.config.OffloadConfig;
import dev.offload.store.AttemptStore;
import dev.offload.support.OutageLog;
import dev.offload.task.Task;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Decides when to claim, and how much: only as many tasks as this node can start at once (idle
 * worker verticles and free asynchronous slots, less the outcomes still waiting for their write),
 * so unclaimed work stays in the database for other nodes. One claim runs at a time; a wake during
 * a claim makes another once it is done. Woken by local wakes after commits that make tasks due, by
 * freed capacity ({@link #wake}), by NOTIFY, by one timer for the earliest due time known ({@link
 * #wakeAt}) and by the polling fallback ({@link #poll}); in {@link DispatchMode#MANUAL} by none of
 * them, only by {@link #cycle}. What a claim takes is the {@link ClaimPlanner}'s choice; the {@link
 * AttemptRunner} starts it. Confined to the dispatcher's event loop.
 */
final class ClaimLoop {

  private final Vertx vertx;
  private final AttemptStore store;
  private final Clock clock;
  private final ClaimPlanner planner;
  private final AttemptRunner runner;
  private final AttemptEndWriter endWriter;
  private final OffloadConfig config;
  private final boolean automatic;
  private final ClaimFloors floors;
  private final OutageLog claimLog = new OutageLog("claiming tasks");
  private boolean claiming;
  private boolean claimAgain;
  private boolean stopping;
  private final DueTimer dueTimer;

  /** Completes when the claim in flight (if any) has handed its tasks over, or back. */
  private Future<Void> claimSettled = Future.succeededFuture();

  ClaimLoop(
      Vertx vertx,
      AttemptStore store,
      OffloadConfig config,
      Clock clock,
      AttemptRunner runner,
      AttemptEndWriter endWriter,
      ClaimFloors floors,
      DispatchMode mode) {
    this.vertx = vertx;
    this.store = store;
    this.clock = clock;
    this.floors = floors;
    this.planner = new ClaimPlanner(store, config, clock, floors);
    this.runner = runner;
    this.endWriter = endWriter;
    this.config = config;
    this.automatic = mode == DispatchMode.AUTOMATIC;
    this.dueTimer = new DueTimer(vertx, clock, this::poll);
  }

  void start() {
    if (automatic) {
      vertx.setPeriodic(config.tasks().pollInterval().toMillis(), id -> poll());
      poll();
    }
  }

  /**
   * Claims nothing more; completes once the claim in flight, if any, has handed its tasks over, or
   * back.
   */
  Future<Void> stop() {
    stopping = true;
    return claimSettled;
  }

  /** Claims what is due now, if there is room. */
  void wake() {
    if (automatic) {
      claim();
    }
  }

  /**
   * One claim, whatever the mode: what is due now on the clock, within the room there is, started
   * at once. Completes with how many tasks it claimed and started; after a claim in flight, if any.
   */
  Future<Integer> cycle() {
    if (claiming) {
      return claimSettled.compose(ignored -> cycle());
    }
    // What poll does beside the claims, a cycle does first: it sees tasks below the floors.
    return checkFloors()
        .transform(
            checked -> {
              ClaimRoom room = room();
              return stopping || room.total() <= 0 ? Future.succeededFuture(0) : claim(room);
            });
  }

  private void claim() {
    if (claiming) {
      claimAgain = true;
      return;
    }
    ClaimRoom room = room();
    if (stopping || room.total() <= 0) {
      return;
    }
    claim(room)
        .onComplete(
            claimed -> {
              if (claimed.failed()) {
                // A wake came meanwhile: keep it, and try again once the database may be back.
                if (claimAgain) {
                  vertx.setTimer(config.database().retryInterval().toMillis(), id -> claim());
                }
              } else if (claimed.result() >= room.total() || claimAgain) {
                claim();
              }
            });
  }

  /**
   * The fallback, also run whenever LISTEN (re)subscribes: claim whatever is due, learn when the
   * next waiting task is due, and look for tasks waiting below the claims' floors.
   */
  void poll() {
    if (stopping || !automatic) {
      return;
    }
    // Taken before the claim takes its own: a task that falls due in between is either claimed or
    // found here. Taken after, a task due in between would be neither, and would wait for the next
    // wake.
    Instant now = clock.instant();
    claim();
    store.nextDue(now).onSuccess(this::wakeAt);
    // Beside the claims, never in their way: a floor it forgets makes another claim.
    checkFloors()
        .onSuccess(
            forgot -> {
              if (forgot) {
                claim();
              }
            });
  }

  /**
   * Forgets the floor of each lane whose tasks wait below it (handed back by another node, say; see
   * {@link ClaimFloors}). Completes with whether it forgot any.
   */
  private Future<Boolean> checkFloors() {
    List<Future<Boolean>> checks =
        floors.current().entrySet().stream()
            .map(
                floor ->
                    store
                        .waitingBefore(floor.getKey(), floor.getValue())
                        .map(
                            waiting -> {
                              if (waiting) {
                                floors.forget(floor.getKey());
                              }
                              return waiting;
                            }))
            .toList();
    return Future.all(checks).map(all -> checks.stream().anyMatch(Future::result));
  }

  /** Polls at {@code at}, a due time just learnt (see {@link DueTimer}); null: none is known. */
  void wakeAt(Instant at) {
    if (at != null && !stopping && automatic) {
      dueTimer.at(at);
    }
  }

  /** One claim within {@code room}; completes with how many tasks it claimed and started. */
  private Future<Integer> claim(ClaimRoom room) {
    claiming = true;
    claimAgain = false;
    Promise<Void> settled = Promise.promise();
    claimSettled = settled.future();
    List<RemoteLane.Group> remote = room.remote() > 0 ? runner.remote().groups() : List.of();
    return planner
        .claim(room.workers(), room.async(), remote, runner::runningInQueue, this::handBack)
        .transform(claimed -> handOver(claimed, settled));
  }

  /** Starts what a claim took, or gives it back if the node is stopping meanwhile. */
  private Future<Integer> handOver(AsyncResult<Claimed> claimed, Promise<Void> settled) {
    claiming = false;
    if (claimed.failed()) {
      claimLog.failed(claimed.cause());
      settled.complete();
      return Future.failedFuture(claimed.cause());
    }
    claimLog.succeeded();
    Claimed due = claimed.result();
    if (stopping) { // the workers are going away: give the tasks back untouched
      return handBack(due)
          .transform(
              ignored -> {
                settled.complete();
                return Future.succeededFuture(0);
              });
    }
    due.local().forEach(runner::run);
    runner.remote().deliver(due.remote());
    settled.complete();
    return Future.succeededFuture(due.size());
  }

  private Future<?> handBack(Claimed claimed) {
    Map<UUID, UUID> remote = new HashMap<>();
    claimed.remote().forEach(attempt -> remote.put(attempt.task().id(), attempt.leaseToken()));
    return Future.join(
        runner.handBack(claimed.local().stream().map(Task::id).toList()),
        runner.remote().handBack(remote));
  }

  private ClaimRoom room() {
    return ClaimRoom.of(
        runner.idleWorkers(),
        config.worker().asyncConcurrency(),
        runner.asyncRunning(),
        endWriter.waiting(),
        runner.remote().demand());
  }
}
