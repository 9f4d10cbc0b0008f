package dev.offload.dispatch;

import dev.offload.config.TaskConfig;
import dev.offload.store.AttemptStore;
import dev.offload.store.ProgressReport;
import dev.offload.support.OutageLog;
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
 * The periodic upkeep of this node's running attempts: renews their leases (every third of the
 * lease, so two renewals can fail before it expires), learning which of them were cancelled, and
 * saves their progress, and that of the attempts claimed here for remote workers (whose leases
 * their heartbeats renew). Attempts of other nodes whose lease expired are rescued by the
 * maintenance verticle. Event-loop confined.
 */
final class LeaseKeeper {

  private final Vertx vertx;
  private final AttemptStore store;
  private final String nodeId;
  private final TaskConfig config;
  private final Clock clock;
  private final Supplier<Collection<RunningAttempt>> running;
  private final Supplier<Collection<RunningAttempt>> reporting;
  private final Consumer<UUID> onCancelRequested;
  private final OutageLog renewLog = new OutageLog("renewing leases");
  private final List<Long> timers = new ArrayList<>();

  LeaseKeeper(
      Vertx vertx,
      AttemptStore store,
      String nodeId,
      TaskConfig config,
      Clock clock,
      Supplier<Collection<RunningAttempt>> running,
      Supplier<Collection<RunningAttempt>> reporting,
      Consumer<UUID> onCancelRequested) {
    this.reporting = reporting;
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
  }

  void stop() {
    timers.forEach(vertx::cancelTimer);
  }

  void renewLeases() {
    List<UUID> ids = running.get().stream().map(RunningAttempt::taskId).toList();
    if (ids.isEmpty()) {
      return;
    }
    store
        .renewLeases(ids, nodeId, clock.instant().plus(config.lease()))
        .onSuccess(
            cancelRequested -> {
              renewLog.succeeded();
              cancelRequested.forEach(onCancelRequested);
            })
        .onFailure(renewLog::failed);
  }

  void saveProgress() {
    List<ProgressReport> reports = new ArrayList<>();
    for (RunningAttempt attempt : reporting.get()) {
      Double progress = attempt.takeUnsavedProgress();
      if (progress != null) {
        reports.add(new ProgressReport(attempt.taskId(), attempt.attempt(), progress));
      }
    }
    if (!reports.isEmpty()) {
      // Progress is advisory: a lost update is replaced by the next one, so failures are not
      // retried.
      store.setProgress(reports);
    }
  }
}
