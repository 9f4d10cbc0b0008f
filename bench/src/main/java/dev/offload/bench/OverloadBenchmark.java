package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/**
 * More work than the node can take: requests at a fixed rate (open loop, {@link OpenLoopRun}), typically a multiple
 * of the rate it sustains, for a fixed time. What a node that sheds load well shows: the requests it accepts stay
 * fast, the others are refused fast (503 with {@code Retry-After}), nothing else happens (no 500, no timeout), and
 * its memory stays bounded ({@link ServerMemory}: sampled before, every half second during, and after a pause once
 * the load has ended).
 */
final class OverloadBenchmark implements Benchmark {

  private static final long MEMORY_SAMPLE_MILLIS = 500;

  /**
   * @param rate         requests per second, on schedule
   * @param refusedCode  the error code every 503 must carry
   * @param settleSeconds after the load, how long before the memory is read again
   */
  record Plan(RequestTemplate template, double rate, double warmupSeconds, double seconds, int connections,
      String refusedCode, int serverPid, String metricsUrl, double settleSeconds) {
  }

  private final Vertx vertx;
  private final Plan plan;

  OverloadBenchmark(Vertx vertx, Plan plan) {
    this.vertx = vertx;
    this.plan = plan;
  }

  @Override
  public Future<JsonObject> run() {
    OpenLoopTally tally = new OpenLoopTally(plan.template().expectedStatus(), plan.refusedCode());
    OpenLoopRun load = new OpenLoopRun(vertx, plan.template(), plan.rate(), plan.warmupSeconds(), plan.seconds(),
      plan.connections(), tally);
    ServerMemory memory = new ServerMemory(vertx, vertx.createHttpClient(Http.clientOptions()), plan.serverPid(), plan.metricsUrl());
    return memory.sample().compose(before -> {
      memory.start(MEMORY_SAMPLE_MILLIS);
      CpuClock client = CpuClock.self();
      CpuClock server = CpuClock.ofPid(plan.serverPid());
      return load.run()
        .andThen(ended -> memory.stop())
        .compose(ended -> {
          JsonObject json = new JsonObject()
            .put("rate", plan.rate())
            .put("warmup_s", plan.warmupSeconds())
            .put("warmup_accepted", load.warmupAccepted())
            .put("seconds", plan.seconds())
            .put("elapsed_s", LoadResult.round3(load.elapsedSeconds()))
            .put("connections", plan.connections())
            .put("generator_queue_max", load.maxWaiting())
            .mergeIn(tally.figures(Math.max(plan.seconds(), load.elapsedSeconds())))
            .put("client_cpu_pct", client.percentOfOneCore())
            .put("server_cpu_pct", server.percentOfOneCore());
          return vertx.timer(Math.max(1, Math.round(plan.settleSeconds() * 1000)), TimeUnit.MILLISECONDS)
            .compose(settled -> memory.sample())
            .map(after -> json.mergeIn(memory.figures(before, after)));
        });
    });
  }
}
