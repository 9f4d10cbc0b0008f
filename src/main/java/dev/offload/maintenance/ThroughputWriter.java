package dev.offload.maintenance;

import dev.offload.metrics.ThroughputSteps;
import dev.offload.store.StatsStore;
import dev.offload.support.OutageLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;

/**
 * Writes this node's throughput steps ({@link ThroughputSteps}) every {@value #WRITE_MS} ms, those
 * that changed only, one upsert per step; so {@code GET /stats/series} on any node sees every
 * node's figures at most that late. Every {@value #PRUNE_EVERY} writes it removes the steps older
 * than {@link #KEPT}, every node's (a delete of a few rows). A write that fails is not tried again:
 * the step's next change writes it whole.
 */
final class ThroughputWriter {

  static final long WRITE_MS = 2_000;
  static final Duration KEPT = Duration.ofHours(2);
  private static final int PRUNE_EVERY = 300;

  private final Vertx vertx;
  private final StatsStore stats;
  private final ThroughputSteps steps;
  private final String nodeId;
  private final Clock clock;
  private final OutageLog outageLog = new OutageLog("writing throughput steps");
  private boolean writing;
  private int writes;

  ThroughputWriter(
      Vertx vertx, StatsStore stats, ThroughputSteps steps, String nodeId, Clock clock) {
    this.vertx = vertx;
    this.stats = stats;
    this.steps = steps;
    this.nodeId = nodeId;
    this.clock = clock;
  }

  /** The timer ends with the verticle that calls this. */
  void start() {
    vertx.setPeriodic(WRITE_MS, id -> write());
  }

  private void write() {
    if (writing) {
      return;
    }
    writing = true;
    stats
        .writeSteps(nodeId, steps.changed())
        .compose(
            written ->
                ++writes % PRUNE_EVERY == 0
                    ? stats.pruneSteps(clock.instant().minus(KEPT))
                    : Future.<Void>succeededFuture())
        .onComplete(
            done -> {
              writing = false;
              if (done.succeeded()) {
                outageLog.succeeded();
              } else {
                outageLog.failed(done.cause());
              }
            });
  }
}
