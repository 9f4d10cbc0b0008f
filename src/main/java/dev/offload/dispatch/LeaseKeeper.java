package dev.offload.dispatch;

import dev.offload.support.OutageLog;
import dev.offload.config.TaskConfig;
import dev.offload.store.ProgressReport;
import dev.offload.store.TaskStore;
import dev.offload.task.RunningAttempt;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The periodic upkeep of attempts: renews the leases of this node's running attempts (a third of the lease,
 * so two renewals can fail before it expires) and learns which of them were cancelled, saves their progress, and rescues other nodes' attempts
 * whose lease expired. Event-loop confined.
 */
final class LeaseKeeper {

  private static final int RESCUE_BATCH = 1_000;

  private final Vertx vertx;
  private final TaskStore store;
  private final String nodeId;
  private final TaskConfig config;
  private final Clock clock;
  private final Supplier<Collection<RunningAttempt>> running;
  private final Consumer<UUID> onCancelRequested;
  private final OutageLog renewLog = new OutageLog("renewing leases");
  private final OutageLog rescueLog = new OutageLog("rescuing expired attempts");
  private final List<Long> timers = new ArrayList<>();

  LeaseKeeper(Vertx vertx, TaskStore store, String nodeId, TaskConfig config, Clock clock,
      Supplier<Collection<RunningAttempt>> running, Consumer<UUID> onCancelRequested) {
    this.vertx = vertx;
    this.store = store;
    this.nodeId = nodeId;
    this.config = config;
    this.clock = clock;
    this.running = running;
    this.onCancelRequested = onCancelRequested;
  }

  void start() {
    timers.add(vertx.setPeriodic(config.lease().toMillis() / 3, id -> renewLeases()));
    timers.add(vertx.setPeriodic(config.progressInterval().toMillis(), id -> saveProgress()));
    long rescueEvery = Math.max(250, config.lease().toMillis() / 4);
    timers.add(vertx.setPeriodic(rescueEvery, id -> rescueStuck()));
  }

  void stop() {
    timers.forEach(vertx::cancelTimer);
  }

  void renewLeases() {
    List<UUID> ids = running.get().stream().map(RunningAttempt::taskId).toList();
    if (ids.isEmpty()) {
      return;
    }
    store.renewLeases(ids, nodeId, clock.instant().plus(config.lease()))
        .onSuccess(cancelRequested -> {
          renewLog.succeeded();
          cancelRequested.forEach(onCancelRequested);
        })
        .onFailure(renewLog::failed);
  }

  void saveProgress() {
    List<ProgressReport> reports = new ArrayList<>();
    for (RunningAttempt attempt : running.get()) {
      Double progress = attempt.takeUnsavedProgress();
      if (progress != null) {
        reports.add(new ProgressReport(attempt.taskId(), attempt.attempt(), progress));
      }
    }
    if (!reports.isEmpty()) {
      // Progress is advisory: a lost update is replaced by the next one, so failures are not retried.
      store.setProgress(reports);
    }
  }

  void rescueStuck() {
    store.rescueStuck(clock.instant(), RESCUE_BATCH)
        .onSuccess(count -> rescueLog.succeeded())
        .onFailure(rescueLog::failed);
  }
}
