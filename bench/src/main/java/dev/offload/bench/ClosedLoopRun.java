package dev.offload.bench;

import dev.offload.bench.ConnectionOpener.Opened;
import dev.offload.bench.LoadShape.Rounds;
import dev.offload.bench.LoadShape.Timed;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;

/**
 * One closed-loop run against one URL: opens the connections (not measured), warms up, measures, closes them.
 * Each connection carries one request at a time, back to back ({@link BackToBack}).
 */
final class ClosedLoopRun {

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final RequestTemplate template;
  private final int connections;
  private final LoadShape shape;
  private final String label;
  private final Integer serverPid;

  /** {@code serverPid}: the server's process, for its CPU figure; may be null. */
  ClosedLoopRun(Vertx vertx, HttpClientAgent client, RequestTemplate template, int connections, LoadShape shape, String label,
      Integer serverPid) {
    this.vertx = vertx;
    this.serverPid = serverPid;
    this.client = client;
    this.template = template;
    this.connections = connections;
    this.shape = shape;
    this.label = label;
  }

  Future<LoadResult> run() {
    return ConnectionOpener.open(client, template.host(), template.port(), connections,
        ConnectionOpener.DEFAULT_IN_FLIGHT)
      .compose(opened -> {
        System.err.printf("%s: %d of %d connections open after %.2f s%n", label, opened.connections().size(),
          connections, opened.seconds());
        opened.failures().log(label + " connect");
        return measure(opened).eventually(() -> ConnectionOpener.closeAll(opened.connections()));
      });
  }

  private Future<LoadResult> measure(Opened opened) {
    BackToBack load = new BackToBack(vertx, template);
    LoadStats warmUp = new LoadStats();
    LoadStats measured = new LoadStats();
    if (shape instanceof Timed timed) {
      long from = System.nanoTime() + nanos(timed.warmUpSeconds());
      long stop = from + nanos(timed.measureSeconds());
      // The CPU clocks start and stop with the measured window, on timers (the requests in flight at its end finish
      // after it, uncounted).
      Promise<CpuClock[]> clocks = Promise.promise();
      vertx.setTimer(Math.max(1, (from - System.nanoTime()) / 1_000_000), started -> clocks.complete(clocks()));
      Promise<Double[]> cpu = Promise.promise();
      clocks.future().onSuccess(started -> vertx.setTimer(Math.max(1, (stop - System.nanoTime()) / 1_000_000),
        ended -> cpu.complete(percents(started))));
      return load.until(opened.connections(), from, stop, warmUp, measured, nanos(timed.staggerSeconds()))
        .compose(done -> cpu.future())
        .map(percents -> result(opened, warmUp, measured, timed.measureSeconds(), percents));
    }
    Rounds rounds = (Rounds) shape;
    Future<Void> warmedUp = rounds.warmUpRounds() == 0 ? Future.succeededFuture()
      : load.count(opened.connections(), rounds.warmUpRounds(), warmUp);
    return warmedUp.compose(warm -> {
      // Every connection has finished its warm-up: the measured rounds start together.
      CpuClock[] cpu = clocks();
      long start = System.nanoTime();
      return load.count(opened.connections(), rounds.rounds(), measured)
        .map(done -> result(opened, warmUp, measured, (System.nanoTime() - start) / 1e9, percents(cpu)));
    });
  }

  /** The client's clock and the server's (null without its pid). */
  private CpuClock[] clocks() {
    return new CpuClock[] {CpuClock.self(), CpuClock.ofPid(serverPid)};
  }

  private static Double[] percents(CpuClock[] clocks) {
    return new Double[] {clocks[0].percentOfOneCore(), clocks[1] == null ? null : clocks[1].percentOfOneCore()};
  }

  private LoadResult result(Opened opened, LoadStats warmUp, LoadStats measured, double seconds, Double[] cpu) {
    warmUp.logErrors(label + " warm-up");
    measured.logErrors(label);
    int connectFailures = opened.failures().total();
    return new LoadResult(connections, opened.connections().size(), measured.ok(),
      connectFailures + warmUp.errors() + measured.errors(), seconds, measured.percentileMillis(50),
      measured.percentileMillis(99), measured.maxMillis(), cpu[0], cpu[1]);
  }

  private static long nanos(double seconds) {
    return (long) (seconds * 1e9);
  }
}
