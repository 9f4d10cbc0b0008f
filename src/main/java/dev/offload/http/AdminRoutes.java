package dev.offload.http;

import dev.offload.api.ApiError;
import dev.offload.api.JsonBodies;
import dev.offload.config.OffloadConfig;
import dev.offload.store.NodeInfo;
import dev.offload.store.NodeStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Instant;

/**
 * {@code /admin}: the live nodes, and live scaling of a node's worker verticles. Every route needs
 * a token with the {@code admin} scope ({@link RouteScopes}); without any configured token they are
 * off.
 */
final class AdminRoutes {

  private static final int MAX_WORKERS = 1_024;

  private final NodeStore nodes;
  private final OffloadConfig config;
  private final Clock clock;

  AdminRoutes(NodeStore nodes, OffloadConfig config, Clock clock) {
    this.nodes = nodes;
    this.config = config;
    this.clock = clock;
  }

  void mount(Router router) {
    if (config.http().tokens().isEmpty()) {
      router.route("/admin/*").handler(AdminRoutes::disabled);
    }
    router.get("/admin/nodes").handler(this::list);
    router
        .put("/admin/nodes/:node/workers")
        .handler(BodyHandler.create(false).setBodyLimit(1024))
        .handler(this::scale);
  }

  private static void disabled(RoutingContext ctx) {
    ctx.fail(
        new ApiError(
            403,
            "admin_disabled",
            "admin routes are disabled: configure a token with the admin scope (http.tokens) to"
                + " enable them"));
  }

  /** A node is live while its heartbeat (every third of the lease) is younger than one lease. */
  private Instant liveSince() {
    return clock.instant().minus(config.tasks().lease());
  }

  private void list(RoutingContext ctx) {
    nodes
        .listLive(liveSince())
        .onSuccess(
            live -> {
              JsonArray list = new JsonArray();
              live.forEach(node -> list.add(json(node)));
              ctx.json(new JsonObject().put("nodes", list));
            })
        .onFailure(ctx::fail);
  }

  /**
   * 202: the node applies the new count within moments (at once through NOTIFY, else at its next
   * heartbeat).
   */
  private void scale(RoutingContext ctx) {
    String nodeId = ctx.pathParam("node");
    int instances = instances(ctx);
    nodes
        .setDesiredWorkers(nodeId, instances, liveSince())
        .onSuccess(
            updated -> {
              if (updated.isEmpty()) {
                ctx.fail(
                    new ApiError(
                        404, "node_not_found", "no live node '" + nodeId + "' that runs tasks"));
                return;
              }
              ctx.response().setStatusCode(202);
              ctx.json(json(updated.get()));
            })
        .onFailure(ctx::fail);
  }

  private static int instances(RoutingContext ctx) {
    Object instances = JsonBodies.object(ctx).getValue("instances");
    if (!(instances instanceof Integer count) || count < 0 || count > MAX_WORKERS) {
      throw ApiError.badRequest(
          "invalid_field", "instances must be an integer from 0 to " + MAX_WORKERS);
    }
    return count;
  }

  private static JsonObject json(NodeInfo node) {
    return new JsonObject()
        .put("id", node.id())
        .put("role", node.role())
        .put("started_at", node.startedAt().toString())
        .put("last_heartbeat", node.heartbeatAt().toString())
        .put("worker_instances", node.workers())
        .put("desired_worker_instances", node.desiredWorkers())
        .put("running_attempts", node.runningAttempts());
  }
}
