package dev.offload.stats;

import dev.offload.api.ApiError;
import dev.offload.api.RequireDatabase;
import dev.offload.metrics.LatencyHistogram;
import dev.offload.metrics.ThroughputSteps;
import dev.offload.store.DatabaseStatus;
import dev.offload.store.StatsStore;
import dev.offload.store.StatsStore.Step;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /stats}: task counts by state, queue and kind, from the node's {@link TaskCounts};
 * {@code GET /stats/series}: throughput and start latency per 10-second step over the last minutes,
 * summed over the nodes' steps (at most one row per node and step: 360 per node for an hour).
 */
public final class StatsRoutes {

  private static final int DEFAULT_MINUTES = 15;
  private static final int MAX_MINUTES = 60;

  private final TaskCounts counts;
  private final StatsStore stats;
  private final DatabaseStatus database;
  private final Clock clock;

  public StatsRoutes(TaskCounts counts, StatsStore stats, DatabaseStatus database, Clock clock) {
    this.counts = counts;
    this.stats = stats;
    this.database = database;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.route("/stats*").handler(new RequireDatabase(database));
    router.get("/stats").handler(this::stats);
    router.get("/stats/series").handler(this::series);
  }

  private void stats(RoutingContext ctx) {
    counts
        .current()
        .onSuccess(
            snapshot -> {
              JsonArray rows = new JsonArray();
              for (Map.Entry<TaskCounts.Key, Long> row : TaskCounts.rows(snapshot)) {
                rows.add(
                    new JsonObject()
                        .put("state", row.getKey().state().wireName())
                        .put("queue", row.getKey().queue())
                        .put("kind", row.getKey().kind())
                        .put("count", row.getValue()));
              }
              ctx.json(
                  new JsonObject()
                      .put("as_of", snapshot.asOf().toString())
                      .put("final_since", snapshot.finalSince().toString())
                      .put("counts", rows));
            })
        .onFailure(ctx::fail);
  }

  private void series(RoutingContext ctx) {
    int minutes = minutes(ctx.queryParams().get("minutes"));
    long step = ThroughputSteps.STEP_SECONDS;
    long now = clock.instant().getEpochSecond();
    long last = Math.floorDiv(now, step) * step;
    long first = last - (minutes * 60L / step - 1) * step;
    stats
        .stepsSince(Instant.ofEpochSecond(first))
        .onSuccess(steps -> ctx.json(series(steps, first, last)))
        .onFailure(ctx::fail);
  }

  /** One point per step from {@code first} to {@code last}, the nodes' figures summed. */
  private static JsonObject series(List<Step> steps, long first, long last) {
    long step = ThroughputSteps.STEP_SECONDS;
    int points = (int) ((last - first) / step) + 1;
    long[][] sums = new long[points][3];
    long[][] latency = new long[points][LatencyHistogram.BUCKETS];
    for (Step row : steps) {
      int at = (int) ((row.at().getEpochSecond() - first) / step);
      if (at < 0 || at >= points) {
        continue;
      }
      sums[at][0] += row.submitted();
      sums[at][1] += row.completed();
      sums[at][2] += row.failed();
      for (int i = 0; i < Math.min(LatencyHistogram.BUCKETS, row.startLatency().length); i++) {
        latency[at][i] += row.startLatency()[i];
      }
    }
    JsonArray json = new JsonArray();
    for (int i = 0; i < points; i++) {
      json.add(
          new JsonObject()
              .put("at", Instant.ofEpochSecond(first + i * step).toString())
              .put("submitted", sums[i][0])
              .put("completed", sums[i][1])
              .put("failed", sums[i][2])
              .put("start_latency_p50_ms", LatencyHistogram.quantileMs(latency[i], 0.5))
              .put("start_latency_p99_ms", LatencyHistogram.quantileMs(latency[i], 0.99)));
    }
    return new JsonObject().put("step_s", step).put("points", json);
  }

  private static int minutes(String text) {
    if (text == null) {
      return DEFAULT_MINUTES;
    }
    if (!text.matches("\\d{1,2}")
        || Integer.parseInt(text) < 1
        || Integer.parseInt(text) > MAX_MINUTES) {
      throw ApiError.badRequest(
          "invalid_query", "minutes must be an integer from 1 to " + MAX_MINUTES);
    }
    return Integer.parseInt(text);
  }
}
