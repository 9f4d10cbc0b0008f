package dev.offload.node;

import dev.offload.config.TaskConfig;
import dev.offload.store.NodeStore;
import dev.offload.store.TaskStore;
import dev.offload.support.OutageLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Deletes finished tasks older than the retention (default 7 days), and the rows of nodes dead for as long.
 * Every node runs it; an advisory lock lets one at a time work, in batches of {@value #BATCH} rows, each its
 * own short transaction, until nothing is left to prune.
 */
final class RetentionPruner {

  static final int BATCH = 1_000;

  private final Vertx vertx;
  private final TaskStore tasks;
  private final NodeStore nodes;
  private final TaskConfig config;
  private final Clock clock;
  private final OutageLog outageLog = new OutageLog("pruning finished tasks");
  private long timer;

  RetentionPruner(Vertx vertx, TaskStore tasks, NodeStore nodes, TaskConfig config, Clock clock) {
    this.vertx = vertx;
    this.tasks = tasks;
    this.nodes = nodes;
    this.config = config;
    this.clock = clock;
  }

  /** The first run comes after a random part of the interval, so nodes started together do not all try. */
  void start() {
    long interval = config.retentionInterval().toMillis();
    timer = vertx.setTimer(1 + ThreadLocalRandom.current().nextLong(interval), first -> {
      prune();
      timer = vertx.setPeriodic(interval, id -> prune());
    });
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  private void prune() {
    Instant cutoff = clock.instant().minus(config.retention());
    pruneBatches(cutoff)
        .compose(ignored -> nodes.pruneDead(cutoff))
        .onSuccess(ignored -> outageLog.succeeded())
        .onFailure(outageLog::failed);
  }

  private Future<Void> pruneBatches(Instant cutoff) {
    return tasks.pruneFinished(cutoff, BATCH).compose((Optional<Integer> deleted) ->
        deleted.isPresent() && deleted.get() == BATCH ? pruneBatches(cutoff) : Future.succeededFuture());
  }
}
