package dev.offload.maintenance;

import dev.offload.config.TaskConfig;
import dev.offload.files.FileStore;
import dev.offload.store.AttemptStore;
import dev.offload.store.NodeStore;
import dev.offload.support.OutageLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Removes finished tasks older than the retention (default 7 days), the rows of nodes dead for as
 * long, and uploads that never got their task; and makes the history's partitions ahead of need
 * (see docs/storage.md). Every node runs it; for tasks, an advisory lock lets one at a time work,
 * each step its own short transaction, until nothing is left to prune: wholly expired partitions
 * are dropped whole, and the tasks outside partitions go in batches of {@value #BATCH} rows.
 */
final class RetentionPruner {

  private static final Logger LOG = System.getLogger(RetentionPruner.class.getName());

  static final int BATCH = 1_000;

  /**
   * How long a drop that could not get its lock at once waits before it tries again; statements on
   * the history hold their locks for milliseconds.
   */
  static final Duration DROP_RETRY = Duration.ofMillis(100);

  /**
   * How often one run tries drops that could not get their lock, before it leaves them to the next.
   */
  static final int DROP_TRIES = 50;

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

  /**
   * The width of the history's partitions: a day, or an hour for a retention under two days, so
   * that a partition is dropped at most that long after its last task expired (it is hidden from
   * reads from the moment it expires).
   */
  static Duration partitionWidth(Duration retention) {
    return retention.compareTo(Duration.ofDays(2)) >= 0 ? Duration.ofDays(1) : Duration.ofHours(1);
  }

  /** One run; a failure is logged, and the next run tries again. */
  Future<Void> prune() {
    Instant now = clock.instant();
    Instant cutoff = now.minus(config.retention());
    Duration width = partitionWidth(config.retention());
    return attempts
        .coverHistory(now.plus(width.multipliedBy(2)), width)
        .compose(added -> pruneBatches(cutoff, DROP_TRIES, new Tally()))
        .compose(ignored -> nodes.pruneDead(cutoff))
        .compose(ignored -> files.pruneOrphans(now.minus(ORPHAN_UPLOAD_AGE)))
        .<Void>mapEmpty()
        .onSuccess(ignored -> outageLog.succeeded())
        .onFailure(outageLog::failed);
  }

  /**
   * Statements of the retention until nothing is left to remove; logs what they removed and the
   * database time they took.
   */
  private Future<Void> pruneBatches(Instant cutoff, int dropTries, Tally tally) {
    long started = System.nanoTime();
    return attempts
        .pruneFinished(cutoff, BATCH)
        .compose(
            (Optional<Integer> removed) -> {
              tally.statements++;
              tally.nanos += System.nanoTime() - started;
              if (removed.isPresent() && removed.get() < 0 && dropTries > 1) {
                return vertx
                    .timer(DROP_RETRY.toMillis())
                    .compose(fired -> pruneBatches(cutoff, dropTries - 1, tally));
              }
              if (removed.isPresent() && removed.get() > 0) {
                tally.removed += removed.get();
                return pruneBatches(cutoff, dropTries, tally);
              }
              // Done; or another node prunes; or the drops found no moment free for their lock.
              if (tally.removed > 0) {
                LOG.log(
                    Level.INFO,
                    "pruning: removed "
                        + tally.removed
                        + " finished tasks older than "
                        + cutoff
                        + " in "
                        + tally.nanos / 1_000_000
                        + " ms of database time ("
                        + tally.statements
                        + " statements)");
              }
              return Future.succeededFuture();
            });
  }

  /** What one run's statements removed, and the time they took. */
  private static final class Tally {
    long removed;
    long nanos;
    int statements;
  }
}
