package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A long transaction against a busy queue: under a steady load ({@link WearLoad}), a repeatable-read transaction
 * reads the task table and keeps its snapshot for the hold, so that no row version that dies meanwhile can be
 * cleaned up; then it commits, and the load goes on for the after windows. The hold begins at the end of the before
 * windows; the windows are placed against the hold as scheduled (it begins and ends a few milliseconds later, the
 * time its statements take: {@code hold_s} is the hold as it was).
 */
record WearSnapshotBenchmark(Vertx vertx, Plan plan) implements Benchmark {

  /** What the command line gives. */
  record Plan(String baseUrl, String databaseUrl, double perSecond, double warmUpSeconds, double windowSeconds,
      int beforeWindows, double holdSeconds, int afterWindows, Double naptimeSeconds, String windowsFile) {
  }

  @Override
  public Future<JsonObject> run() {
    return TaskDatabase.connect(vertx, plan.databaseUrl()).compose(database -> WearLoad
      .create(vertx, database, plan.baseUrl(), plan.perSecond(), plan.windowSeconds(), plan.naptimeSeconds())
      .compose(load -> measure(database, load))
      .eventually(database::close));
  }

  private Future<JsonObject> measure(TaskDatabase database, WearLoad load) {
    long window = load.windowNanos();
    long holdNanos = (long) (plan.holdSeconds() * 1e9);
    int windows = plan.beforeWindows() + (int) Math.ceil((double) holdNanos / window) + plan.afterWindows();
    WearWindows.Span hold = new WearWindows.Span(plan.beforeWindows() * window,
      plan.beforeWindows() * window + holdNanos);
    long[] heldFromTo = new long[2];
    return load.warmUp(plan.warmUpSeconds())
      .compose(warm -> {
        load.begin();
        return load.until(hold.startNanos());
      })
      .compose(before -> database.holdSnapshot())
      .compose(snapshot -> {
        heldFromTo[0] = load.now();
        System.err.printf("wear-snapshot: snapshot held from %.3f s%n", heldFromTo[0] / 1e9);
        return load.until(hold.endNanos()).compose(held -> snapshot.release());
      })
      .compose(released -> {
        heldFromTo[1] = load.now();
        System.err.printf("wear-snapshot: snapshot released at %.3f s%n", heldFromTo[1] / 1e9);
        return load.until(windows * window);
      })
      .compose(after -> load.end(windows, hold))
      .compose(result -> WearLoad.appendWindows(vertx, plan.windowsFile(), result.windows())
        .map(written -> figures(result, hold, (heldFromTo[1] - heldFromTo[0]) / 1e9)));
  }

  private JsonObject figures(WearLoad.Result result, WearWindows.Span hold, double heldSeconds) {
    List<WearWindows.Window> windows = result.windows();
    Latencies before = WearWindows.between(result.samples(), 0, hold.startNanos());
    Latencies held = WearWindows.between(result.samples(), hold.startNanos(), hold.endNanos());
    List<WearWindows.Window> after = windows.stream().filter(w -> w.phase().equals(WearWindows.AFTER)).toList();
    Double beforeP99 = before.percentile(99);
    Double afterP99 = after.isEmpty() ? null : after.get(after.size() - 1).latencies().percentile(99);
    return new JsonObject()
      .put("rate", plan.perSecond())
      .put("window_s", plan.windowSeconds())
      .put("hold_s", LoadResult.round3(heldSeconds))
      .put("before_p50_ms", before.percentile(50))
      .put("before_p99_ms", beforeP99)
      .put("held_p50_ms", held.percentile(50))
      .put("held_p99_ms", held.percentile(99))
      .put("held_max_ms", held.max())
      .put("held_window_p99_max_ms", WearWindows.maxP99(windows, WearWindows.DURING))
      .put("released_p99_ms", after.isEmpty() ? null : after.get(0).latencies().percentile(99))
      .put("after_p99_ms", afterP99)
      .put("after_p99_pct_of_before", WearWindows.percentOf(afterP99, beforeP99))
      .put("dead_tuples_at_hold", windows.get(Math.max(plan.beforeWindows() - 1, 0)).deadTuples())
      .mergeIn(result.figures());
  }
}
