package dev.offload.http;

import dev.offload.store.DatabaseStatus;
import dev.offload.store.TaskStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * {@code /health}: the process is alive. {@code /ready}: the database answers and the schema is
 * migrated (200), else 503 with the reason.
 */
final class HealthRoutes {

  private static final long CHECK_TIMEOUT_MS = 2_000;
  private static final String UP = "{\"status\":\"UP\"}";

  private final Vertx vertx;
  private final TaskStore store;
  private final DatabaseStatus database;

  HealthRoutes(Vertx vertx, TaskStore store, DatabaseStatus database) {
    this.vertx = vertx;
    this.store = store;
    this.database = database;
  }

  void mount(Router router) {
    // Answering at all is the check: a constant body, the cheapest route there is.
    router
        .get("/health")
        .handler(ctx -> ctx.response().putHeader("content-type", "application/json").end(UP));
    router
        .get("/ready")
        .handler(
            HealthCheckHandler.create(vertx)
                .register(
                    "database",
                    CHECK_TIMEOUT_MS,
                    promise -> {
                      if (!database.isReady()) {
                        promise.complete(
                            Status.KO(
                                new JsonObject()
                                    .put("reason", "not migrated: " + database.lastFailure())));
                        return;
                      }
                      store
                          .ping()
                          .onComplete(
                              ok -> promise.complete(Status.OK()),
                              failure ->
                                  promise.complete(
                                      Status.KO(
                                          new JsonObject().put("reason", failure.getMessage()))));
                    }));
  }
}
