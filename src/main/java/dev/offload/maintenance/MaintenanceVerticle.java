package dev.offload.maintenance;

import dev.offload.config.OffloadConfig;
import dev.offload.files.FileStore;
import dev.offload.metrics.TaskMetrics;
import dev.offload.store.AttemptStore;
import dev.offload.store.NodeStore;
import dev.offload.store.StatsStore;
import dev.offload.support.OutageLog;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;

/**
 * The upkeep any node does for all: on nodes that run tasks, rescues the attempts whose lease
 * expired (their node died or lost the database) every quarter lease; on every node, prunes what
 * has outlived the retention ({@link RetentionPruner}) and counts the waiting tasks of each queue
 * for its gauges ({@link QueueCounter}), and writes its throughput steps ({@link
 * ThroughputWriter}). Several nodes may rescue and prune at once: rescue skips rows another node
 * holds, and retention takes turns. Its timers end with the deployment.
 */
public final class MaintenanceVerticle extends VerticleBase {

  private static final int RESCUE_BATCH = 1_000;

  private final AttemptStore attempts;
  private final NodeStore nodes;
  private final FileStore files;
  private final StatsStore stats;
  private final TaskMetrics metrics;
  private final OffloadConfig config;
  private final Clock clock;
  private final OutageLog rescueLog = new OutageLog("rescuing expired attempts");

  public MaintenanceVerticle(
      AttemptStore attempts,
      NodeStore nodes,
      FileStore files,
      StatsStore stats,
      TaskMetrics metrics,
      OffloadConfig config,
      Clock clock) {
    this.attempts = attempts;
    this.nodes = nodes;
    this.files = files;
    this.stats = stats;
    this.metrics = metrics;
    this.config = config;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    if (config.node().role().runsTasks()) {
      vertx.setPeriodic(Math.max(250, config.tasks().lease().toMillis() / 4), id -> rescueStuck());
    }
    new RetentionPruner(vertx, attempts, nodes, files, config.tasks(), clock).start();
    new QueueCounter(vertx, attempts, metrics, config.queueMetricsInterval(), clock).start();
    new ThroughputWriter(vertx, stats, metrics.steps(), config.nodeId(), clock).start();
    return Future.succeededFuture();
  }

  private void rescueStuck() {
    attempts
        .rescueStuck(clock.instant(), RESCUE_BATCH)
        .onSuccess(count -> rescueLog.succeeded())
        .onFailure(rescueLog::failed);
  }
}
