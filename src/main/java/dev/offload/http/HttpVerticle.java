package dev.offload.http;

import dev.offload.config.OffloadConfig;
import dev.offload.store.DatabaseStatus;
import dev.offload.store.NodeStore;
import dev.offload.store.TaskStore;
import dev.offload.task.TaskHandlers;
import dev.offload.metrics.TaskMetrics;
import dev.offload.users.UserRoutes;
import dev.offload.users.UserStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Serves every route on its event loop; never blocks it. Deploy as many instances as wanted. A worker node
 * serves only health, readiness and metrics. Stopping drains: no new connections, in-flight requests may finish within
 * the shutdown grace.
 */
public final class HttpVerticle extends VerticleBase {

  private final OffloadConfig config;
  private final TaskStore store;
  private final NodeStore nodes;
  private final TaskHandlers handlers;
  private final DatabaseStatus database;
  private final Clock clock;
  private final IntConsumer onListening;
  private final PrometheusMeterRegistry registry;
  private final TaskMetrics metrics;
  private final UserStore users;
  private HttpServer server;

  public HttpVerticle(OffloadConfig config, TaskStore store, NodeStore nodes, TaskHandlers handlers,
      DatabaseStatus database, Clock clock, PrometheusMeterRegistry registry, TaskMetrics metrics,
      UserStore users, IntConsumer onListening) {
    this.registry = registry;
    this.metrics = metrics;
    this.config = config;
    this.store = store;
    this.nodes = nodes;
    this.handlers = handlers;
    this.database = database;
    this.clock = clock;
    this.users = users;
    this.onListening = onListening;
  }

  @Override
  public Future<?> start() {
    int bodyLimit = config.http().bodyLimit();
    Router router = Router.router(vertx);
    FailureHandler failures = new FailureHandler(bodyLimit);
    router.route().failureHandler(failures);
    router.errorHandler(400, failures::badRequest);
    router.errorHandler(404, failures);
    router.errorHandler(405, failures);
    router.errorHandler(500, failures);
    new HealthRoutes(vertx, store, database).mount(router);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    if (config.node().role().servesApi()) {
      router.route().handler(BearerToken.forChanges(config.http().apiToken()));
      new DemoRoutes(vertx).mount(router);
      new TaskRoutes(vertx, store, new Submissions(handlers, config.tasks(), config.allowedHosts()), database, clock, bodyLimit, metrics)
          .mount(router);
      new AdminRoutes(nodes, config, clock).mount(router);
      new UserRoutes(users, database, clock, bodyLimit).mount(router);
    }
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port())
        // Thousands of clients connecting at once must not wait on a short accept queue.
        .setAcceptBacklog(config.http().acceptBacklog());
    return vertx.createHttpServer(options).requestHandler(router).listen()
        .onSuccess(listening -> {
          server = listening;
          onListening.accept(listening.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(config.node().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
  }
}
