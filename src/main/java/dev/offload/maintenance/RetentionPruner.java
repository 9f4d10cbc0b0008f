package dev.offload.maintenance;

import dev.offload.config.TaskConfig;
import dev.offload.files.FileStore;
import dev.offload.store.AttemptStore;
import dev.offload.store.NodeStore;
import dev.offload.support.OutageLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Deletes finished tasks older than the retention (default 7 days), the rows of nodes dead for as
 * long, and uploads that never got their task. Every node runs it; for tasks, an advisory lock lets
 * one at a time work, in batches of {@value #BATCH} rows, each its own short transaction, until
 * nothing is left to prune.
 */
final class RetentionPruner {

  static final int BATCH = 1_000;

  /**
   * An upload gets its task as soon as its body has arrived. One still without a task after this
   * long was abandoned (the client went away, the body was too large, the insert failed); an upload
   * still streaming after an hour loses its file and fails.
   */
  static final Duration ORPHAN_UPLOAD_AGE = Duration.ofHours(1);

  private final Vertx vertx;
  private final AttemptStore attempts;
  private final NodeStore nodes;
  private final FileStore files;
  private final TaskConfig config;
  private final Clock clock;
  private final OutageLog outageLog = new OutageLog("pruning finished tasks");

  RetentionPruner(
      Vertx vertx,
      AttemptStore attempts,
      NodeStore nodes,
      FileStore files,
      TaskConfig config,
      Clock clock) {
    this.vertx = vertx;
    this.attempts = attempts;
    this.nodes = nodes;
    this.files = files;
    this.config = config;
    this.clock = clock;
  }

  /**
   * The first run comes after a random part of the interval, so nodes started together do not all
   * try.
   */
  void start() {
    long interval = config.retentionInterval().toMillis();
    vertx.setTimer(
        1 + ThreadLocalRandom.current().nextLong(interval),
        first -> {
          prune();
          vertx.setPeriodic(interval, id -> prune());
        });
  }

  /** One run; a failure is logged, and the next run tries again. */
  Future<Void> prune() {
    Instant now = clock.instant();
    Instant cutoff = now.minus(config.retention());
    return pruneBatches(cutoff)
        .compose(ignored -> nodes.pruneDead(cutoff))
        .compose(ignored -> files.pruneOrphans(now.minus(ORPHAN_UPLOAD_AGE)))
        .<Void>mapEmpty()
        .onSuccess(ignored -> outageLog.succeeded())
        .onFailure(outageLog::failed);
  }

  private Future<Void> pruneBatches(Instant cutoff) {
    return attempts
        .pruneFinished(cutoff, BATCH)
        .compose(
            (Optional<Integer> deleted) ->
                deleted.isPresent() && deleted.get() == BATCH
                    ? pruneBatches(cutoff)
                    : Future.succeededFuture());
  }
}
