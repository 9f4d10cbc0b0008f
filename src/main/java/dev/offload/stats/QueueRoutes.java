package dev.offload.stats;

import dev.offload.api.ApiError;
import dev.offload.api.RequireDatabase;
import dev.offload.config.QueueLimit;
import dev.offload.store.DatabaseStatus;
import dev.offload.store.QueueStore;
import dev.offload.store.StatsStore.LiveCount;
import dev.offload.task.TaskState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code GET /queues}: every configured queue, every queue with tasks and every queue ever paused,
 * with its counts by state (from the node's {@link TaskCounts}), limits, oldest waiting task and
 * pause; {@code POST /queues/{q}/pause} and {@code /resume}, which answer with the queue.
 */
public final class QueueRoutes {

  /** Queue names as the configuration allows them (see config.QueueSection). */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  private final QueueStore queues;
  private final TaskCounts counts;
  private final Map<String, QueueLimit> limits;
  private final DatabaseStatus database;
  private final Clock clock;

  public QueueRoutes(
      QueueStore queues,
      TaskCounts counts,
      Map<String, QueueLimit> limits,
      DatabaseStatus database,
      Clock clock) {
    this.queues = queues;
    this.counts = counts;
    this.limits = limits;
    this.database = database;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.route("/queues*").handler(new RequireDatabase(database));
    router.get("/queues").handler(this::list);
    router.post("/queues/:queue/pause").handler(ctx -> setPaused(ctx, true));
    router.post("/queues/:queue/resume").handler(ctx -> setPaused(ctx, false));
  }

  private void list(RoutingContext ctx) {
    Future.all(counts.current(), queues.pauses())
        .onSuccess(
            both -> {
              Map<String, JsonObject> byName = queueObjects(both.resultAt(0), both.resultAt(1));
              ctx.json(
                  new JsonObject().put("queues", new JsonArray(byName.values().stream().toList())));
            })
        .onFailure(ctx::fail);
  }

  private void setPaused(RoutingContext ctx, boolean paused) {
    String name = ctx.pathParam("queue");
    if (!NAME.matcher(name).matches()) {
      throw ApiError.badRequest(
          "invalid_queue", "a queue name is 1 to 128 of A-Z a-z 0-9 _ . : -, got '" + name + "'");
    }
    queues
        .setPaused(name, paused, clock.instant())
        .compose(set -> Future.all(counts.current(), queues.pauses()))
        .onSuccess(
            both -> {
              Map<String, Boolean> pauses = new TreeMap<>(both.<Map<String, Boolean>>resultAt(1));
              pauses.put(name, paused); // as set, whatever a concurrent change did since
              ctx.json(queueObjects(both.resultAt(0), pauses).get(name));
            })
        .onFailure(ctx::fail);
  }

  private Map<String, JsonObject> queueObjects(
      TaskCounts.Snapshot snapshot, Map<String, Boolean> pauses) {
    Map<String, Queue> byName = new TreeMap<>();
    limits.keySet().forEach(name -> byName.put(name, new Queue()));
    pauses.keySet().forEach(name -> byName.computeIfAbsent(name, ignored -> new Queue()));
    for (LiveCount count : snapshot.live()) {
      Queue queue = byName.computeIfAbsent(count.queue(), ignored -> new Queue());
      queue.counts.merge(count.state(), count.count(), Long::sum);
      if (count.oldestDueAt() != null
          && (queue.oldest == null || count.oldestDueAt().isBefore(queue.oldest))) {
        queue.oldest = count.oldestDueAt();
      }
    }
    snapshot
        .finals()
        .forEach(
            (key, n) ->
                byName
                    .computeIfAbsent(key.queue(), ignored -> new Queue())
                    .counts
                    .merge(key.state(), n, Long::sum));
    Map<String, JsonObject> json = new TreeMap<>();
    byName.forEach(
        (name, queue) ->
            json.put(name, queue.json(name, pauses.getOrDefault(name, false), snapshot)));
    return json;
  }

  /** One queue's figures, summed over kinds. */
  private final class Queue {
    final Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
    Instant oldest;

    JsonObject json(String name, boolean paused, TaskCounts.Snapshot snapshot) {
      JsonObject byState = new JsonObject();
      for (TaskState state : TaskState.values()) {
        byState.put(state.wireName(), counts.getOrDefault(state, 0L));
      }
      QueueLimit limit = limits.get(name);
      return new JsonObject()
          .put("name", name)
          .put("paused", paused)
          .put("counts", byState)
          .put(
              "limits",
              new JsonObject()
                  .put("per_node", limit == null ? null : limit.concurrency())
                  .put("global", limit == null ? null : limit.globalConcurrency()))
          .put("oldest_waiting_at", oldest == null ? null : oldest.toString())
          .put(
              "oldest_waiting_age_ms",
              oldest == null
                  ? null
                  : Math.max(0, Duration.between(oldest, snapshot.asOf()).toMillis()))
          .put("final_since", snapshot.finalSince().toString())
          .put("as_of", snapshot.asOf().toString());
    }
  }
}
