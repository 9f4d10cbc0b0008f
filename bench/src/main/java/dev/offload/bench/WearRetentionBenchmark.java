package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Retention of many finished tasks under a steady load ({@link WearLoad}). The finished tasks, already past the
 * retention of the node, are in the database before the node starts; the benchmark takes the retention lock first
 * (and says so with the marker file), so that the node's pruner skips its turns while the node starts, warms up and
 * runs the before windows. Then the lock is let go, and the next turn of the pruner (every
 * {@code tasks.retention_interval}) prunes. The pruning is followed from the outside with two primary-key lookups
 * every {@value #PROBE_MILLIS} ms: it has begun when the oldest of the seeded tasks is gone, it is over when the
 * newest is (the pruner goes oldest first). The load goes on for the after windows past the window in which the
 * pruning ended.
 */
record WearRetentionBenchmark(Vertx vertx, Plan plan) implements Benchmark {

  private static final long PROBE_MILLIS = 100;
  private static final long READY_WITHIN_NANOS = TimeUnit.SECONDS.toNanos(120);

  /** What the command line gives: the oldest and newest seeded tasks, and a cap on the wait for the pruning. */
  record Plan(String baseUrl, String databaseUrl, double perSecond, double warmUpSeconds, double windowSeconds,
      int beforeWindows, int afterWindows, UUID oldest, UUID newest, double capSeconds, String lockedMarker,
      Double naptimeSeconds, String windowsFile) {
  }

  @Override
  public Future<JsonObject> run() {
    return TaskDatabase.connect(vertx, plan.databaseUrl()).compose(database -> database.lockRetention()
      .compose(lock -> vertx.fileSystem().writeFile(plan.lockedMarker(), Buffer.buffer("locked\n"))
        .compose(marked -> {
          System.err.println("wear-retention: retention lock held; waiting for the node");
          return ready(new TaskClient(vertx.createHttpClient(Http.clientOptions()), plan.baseUrl()),
            System.nanoTime() + READY_WITHIN_NANOS);
        })
        .compose(up -> WearLoad.create(vertx, database, plan.baseUrl(), plan.perSecond(), plan.windowSeconds(),
          plan.naptimeSeconds()))
        .compose(load -> measure(database, lock, load)))
      .eventually(database::close));
  }

  private Future<Void> ready(TaskClient service, long deadlineNanos) {
    return service.ready().recover(notYet -> System.nanoTime() > deadlineNanos
      ? Future.failedFuture(new IllegalStateException("the node was not ready within 120 s: " + notYet))
      : vertx.timer(200, TimeUnit.MILLISECONDS).compose(waited -> ready(service, deadlineNanos)));
  }

  /** [0] release of the lock, [1] oldest gone, [2] newest gone, in ns after t0; -1 until seen. */
  private Future<JsonObject> measure(TaskDatabase database, TaskDatabase.Held lock, WearLoad load) {
    long window = load.windowNanos();
    long[] seen = {-1, -1, -1};
    return load.warmUp(plan.warmUpSeconds())
      .compose(warm -> {
        load.begin();
        return load.until(plan.beforeWindows() * window);
      })
      .compose(before -> database.exists(plan.oldest()))
      .compose(present -> present ? lock.release() : Future.failedFuture(new IllegalStateException(
        "the oldest seeded task was gone before the retention lock was let go: did the service's retention lock"
          + " change (see WearSql.RETENTION_LOCK)?")))
      .compose(released -> {
        seen[0] = load.now();
        System.err.printf("wear-retention: retention lock let go at %.3f s%n", seen[0] / 1e9);
        return follow(database, load, seen, seen[0] + (long) (plan.capSeconds() * 1e9));
      })
      .compose(followed -> {
        long last = seen[2] >= 0 ? seen[2] : load.now();
        int windows = (int) (last / window) + 1 + plan.afterWindows();
        WearWindows.Span pruning = new WearWindows.Span(seen[0], last);
        return load.until(windows * window)
          .compose(after -> load.end(windows, pruning))
          .compose(result -> WearLoad.appendWindows(vertx, plan.windowsFile(), result.windows())
            .map(written -> figures(result, pruning, seen)));
      });
  }

  /** Probes until the newest seeded task is gone, or the cap. */
  private Future<Void> follow(TaskDatabase database, WearLoad load, long[] seen, long capNanos) {
    if (seen[2] >= 0 || load.now() > capNanos) {
      if (seen[2] < 0) {
        System.err.printf("wear-retention: the pruning did not end within %.0f s%n", plan.capSeconds());
      }
      return Future.succeededFuture();
    }
    Future<Void> probe = seen[1] < 0
      ? database.exists(plan.oldest()).map(present -> {
          if (!present) {
            seen[1] = load.now();
            System.err.printf("wear-retention: the oldest seeded task gone at %.3f s%n", seen[1] / 1e9);
          }
          return null;
        })
      : Future.succeededFuture();
    return probe
      .compose(checked -> seen[1] < 0 ? Future.succeededFuture(true) : database.exists(plan.newest()))
      .compose(present -> {
        if (!present) {
          seen[2] = load.now();
          System.err.printf("wear-retention: the newest seeded task gone at %.3f s%n", seen[2] / 1e9);
          return Future.<Void>succeededFuture();
        }
        return vertx.timer(PROBE_MILLIS, TimeUnit.MILLISECONDS).compose(waited -> follow(database, load, seen,
          capNanos));
      });
  }

  private JsonObject figures(WearLoad.Result result, WearWindows.Span pruning, long[] seen) {
    List<WearWindows.Window> windows = result.windows();
    boolean done = seen[2] >= 0;
    Latencies before = WearWindows.between(result.samples(), 0, pruning.startNanos());
    Latencies during = WearWindows.between(result.samples(), pruning.startNanos(), pruning.endNanos());
    WearWindows.Window last = windows.get(windows.size() - 1);
    JsonObject figures = new JsonObject()
      .put("rate", plan.perSecond())
      .put("window_s", plan.windowSeconds())
      .put("pruned_all", done ? 1 : 0)
      .put("prune_start_s", seen[1] < 0 ? null : LoadResult.round3((seen[1] - seen[0]) / 1e9))
      .put("prune_s", done ? LoadResult.round3((seen[2] - seen[1]) / 1e9) : null)
      .put("release_to_done_s", done ? LoadResult.round3((seen[2] - seen[0]) / 1e9) : null)
      .put("before_p50_ms", before.percentile(50))
      .put("before_p99_ms", before.percentile(99))
      .put("during_p50_ms", during.percentile(50))
      .put("during_p99_ms", during.percentile(99))
      .put("during_max_ms", during.max())
      .put("during_window_p99_max_ms", WearWindows.maxP99(windows, WearWindows.DURING))
      .put("after_p99_ms", last.phase().equals(WearWindows.AFTER) ? last.latencies().percentile(99) : null)
      .mergeIn(result.figures());
    if (!done) {
      figures.put("errors", figures.getInteger("errors") + 1);
    }
    return figures;
  }
}
