package dev.offload.store;

import static dev.offload.store.TaskRows.timestamp;

import dev.offload.task.TaskState;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures behind {@code GET /stats}, {@code GET /queues} and {@code GET /stats/series}: counts
 * of tasks by state, queue and kind, and the nodes' throughput steps. Callers cache and combine
 * them (see dev.offload.stats); each method is one statement.
 */
public final class StatsStore {

  /** Waiting or running tasks of one state, queue and kind; the oldest due time, if any is due. */
  public record LiveCount(
      TaskState state, String queue, String kind, long count, Instant oldestDueAt) {}

  /** Tasks made final in the 10-second step from {@code step}, of one state, queue and kind. */
  public record FinalCount(Instant step, TaskState state, String queue, String kind, long count) {}

  /**
   * One node's throughput in the 10-second step from {@code at}: tasks submitted, attempts
   * completed and failed, and the histogram of attempt start latencies (see LatencyHistogram).
   */
  public record Step(
      Instant at, long submitted, long completed, long failed, long[] startLatency) {}

  private final Pool client;

  public StatsStore(Pool client) {
    this.client = client;
  }

  public Future<List<LiveCount>> liveCounts(Instant now) {
    return client
        .preparedQuery(StatsSql.STATS_LIVE_COUNTS)
        .execute(Tuple.of(timestamp(now)))
        .map(
            rows -> {
              List<LiveCount> counts = new ArrayList<>(rows.size());
              for (Row row : rows) {
                OffsetDateTime oldest = row.getOffsetDateTime("oldest_due_at");
                counts.add(
                    new LiveCount(
                        state(row),
                        row.getString("queue"),
                        row.getString("kind"),
                        row.getLong("count"),
                        oldest == null ? null : oldest.toInstant()));
              }
              return counts;
            });
  }

  /** The tasks finalized in [{@code from}, {@code to}), by step, state, queue and kind. */
  public Future<List<FinalCount>> finalCounts(Instant from, Instant to) {
    return client
        .preparedQuery(StatsSql.STATS_FINAL_COUNTS)
        .execute(Tuple.of(timestamp(from), timestamp(to)))
        .map(
            rows -> {
              List<FinalCount> counts = new ArrayList<>(rows.size());
              for (Row row : rows) {
                counts.add(
                    new FinalCount(
                        row.getOffsetDateTime("step").toInstant(),
                        state(row),
                        row.getString("queue"),
                        row.getString("kind"),
                        row.getLong("count")));
              }
              return counts;
            });
  }

  /** Writes this node's figures for {@code steps}, replacing what it wrote for them before. */
  public Future<Void> writeSteps(String nodeId, List<Step> steps) {
    if (steps.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(steps.size());
    for (Step step : steps) {
      Long[] latency = new Long[step.startLatency().length];
      for (int i = 0; i < latency.length; i++) {
        latency[i] = step.startLatency()[i];
      }
      batch.add(
          Tuple.of(timestamp(step.at()), nodeId, step.submitted(), step.completed(), step.failed())
              .addArrayOfLong(latency));
    }
    return client.preparedQuery(StatsSql.STATS_STEP_UPSERT).executeBatch(batch).mapEmpty();
  }

  /** Every node's steps from {@code from} on, oldest first, one row per node and step. */
  public Future<List<Step>> stepsSince(Instant from) {
    return client
        .preparedQuery(StatsSql.STATS_STEPS_SINCE)
        .execute(Tuple.of(timestamp(from)))
        .map(
            rows -> {
              List<Step> steps = new ArrayList<>(rows.size());
              for (Row row : rows) {
                Long[] latency = row.getArrayOfLongs("start_latency");
                long[] counts = new long[latency.length];
                for (int i = 0; i < counts.length; i++) {
                  counts[i] = latency[i] == null ? 0 : latency[i];
                }
                steps.add(
                    new Step(
                        row.getOffsetDateTime("at").toInstant(),
                        row.getLong("submitted"),
                        row.getLong("completed"),
                        row.getLong("failed"),
                        counts));
              }
              return steps;
            });
  }

  /** Removes the steps before {@code cutoff}. */
  public Future<Void> pruneSteps(Instant cutoff) {
    return client
        .preparedQuery(StatsSql.STATS_STEPS_PRUNE)
        .execute(Tuple.of(timestamp(cutoff)))
        .mapEmpty();
  }

  private static TaskState state(Row row) {
    return TaskState.fromWireName(row.getString("state")).orElseThrow();
  }
}
