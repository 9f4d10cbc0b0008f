package dev.offload.http;

import dev.offload.config.OffloadConfig;
import dev.offload.events.EventRoutes;
import dev.offload.events.EventServices;
import dev.offload.events.EventStreams;
import dev.offload.images.ImageRoutes;
import dev.offload.images.ThumbnailHandler;
import dev.offload.metrics.HttpRequestMetrics;
import dev.offload.stats.QueueRoutes;
import dev.offload.stats.StatsRoutes;
import dev.offload.stats.StatsServices;
import dev.offload.store.DatabaseStatus;
import dev.offload.submit.TaskSubmitter;
import dev.offload.submit.UploadTasks;
import dev.offload.upstream.Upstreams;
import dev.offload.users.UserImportRoutes;
import dev.offload.users.UserRoutes;
import dev.offload.workers.WorkerRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Serves every route on its event loop; never blocks it. Deploy as many instances as wanted. A
 * worker node serves only health, readiness and metrics. Stopping drains: no new connections,
 * in-flight requests may finish within the shutdown grace.
 */
public final class HttpVerticle extends VerticleBase {

  private final OffloadConfig config;
  private final ApiServices services;
  private final Clock clock;
  private final PrometheusMeterRegistry registry;
  private final IntConsumer onListening;
  private HttpServer server;
  private Router router;
  private ConnectionGuard guard;
  private AdmissionControl admission;
  private SubmissionShedder shedder;
  private EventStreams eventStreams;

  public HttpVerticle(
      OffloadConfig config,
      ApiServices services,
      Clock clock,
      PrometheusMeterRegistry registry,
      IntConsumer onListening) {
    this.config = config;
    this.services = services;
    this.clock = clock;
    this.registry = registry;
    this.onListening = onListening;
  }

  @Override
  public Future<?> start() {
    int bodyLimit = config.http().bodyLimit();
    router = Router.router(vertx);
    // First: every answer, even a refusal by the handlers below, carries the request's id.
    router.route().handler(new RequestIds());
    RouteTemplates routes = new RouteTemplates(router);
    HttpRequestMetrics metrics = new HttpRequestMetrics(registry, routes::of);
    router.route().handler(metrics);
    guard = new ConnectionGuard(vertx, services.connections(), config.http().connections());
    router.route().handler(guard::requestStarted);
    FailureHandler failures =
        new FailureHandler(bodyLimit, routes, config.database().retryInterval());
    router.route().failureHandler(failures);
    router.errorHandler(400, failures::badRequest);
    router.errorHandler(404, failures::notFoundOrNotAllowed);
    router.errorHandler(405, failures::notFoundOrNotAllowed);
    router.errorHandler(500, failures);
    if (!config.http().corsOrigins().isEmpty()) {
      // Before the token check: a browser's preflight carries no token.
      router.route().handler(new CrossOrigin(config.http().corsOrigins()));
    }
    // Before every route: which scope each needs is RouteScopes' to say.
    router.route().handler(BearerToken.create(config.http().tokens()));
    DatabaseStatus database = services.database();
    new HealthRoutes(vertx, services.tasks(), database).mount(router);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    if (config.node().role().servesApi()) {
      new DemoRoutes(vertx).mount(router);
      // One per verticle: it groups this event loop's single submissions into shared statements.
      TaskSubmitter submitter =
          new TaskSubmitter(
              services.tasks(),
              services.handlers(),
              services.remoteKinds(),
              config.tasks(),
              config.allowedHosts(),
              services.metrics(),
              clock);
      admission = new AdmissionControl(vertx);
      shedder = new SubmissionShedder(submitter, admission, guard, metrics);
      shedder.mount(router);
      new TaskRoutes(
              vertx, services.tasks(), submitter, database, clock, bodyLimit, services.files())
          .mount(router);
      new TaskBulkRoutes(services.tasks(), clock).mount(router);
      EventServices events = services.events();
      eventStreams = new EventStreams(vertx, events.hub(), events.store(), clock);
      new EventRoutes(eventStreams, services.tasks(), database, clock).mount(router);
      StatsServices stats = services.stats();
      new QueueRoutes(stats.queues(), stats.counts(), config.queues(), database, clock)
          .mount(router);
      new StatsRoutes(stats.counts(), stats.stats(), database, clock).mount(router);
      new AdminRoutes(services.nodes(), config, clock).mount(router);
      new UserImportRoutes(uploadTasks(submitter, config.http().uploadLimit()), database)
          .mount(router);
      new UserRoutes(services.users(), database, clock, bodyLimit).mount(router);
      long imageLimit = Math.min(config.http().uploadLimit(), ThumbnailHandler.MAX_IMAGE_BYTES);
      new ImageRoutes(uploadTasks(submitter, imageLimit), database).mount(router);
      new FetchRoutes(Upstreams.create(vertx, config.upstreams())).mount(router);
      new ApiDocsRoutes(services.document()).mount(router);
      new WorkerRoutes(
              vertx,
              services.workers(),
              services.workerDirectory(),
              services.remoteKinds(),
              services.handlers(),
              database,
              config,
              clock)
          .mount(router);
      new DashboardRoutes().mount(router);
    }
    RouteScopes.checkEveryRouteIsListed(router);
    services.document().checkRoutes(router, config.node().role().servesApi());
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.http().host())
            .setPort(config.http().port())
            // Thousands of clients connecting at once must not wait on a short accept queue.
            .setAcceptBacklog(config.http().acceptBacklog())
            .setIdleTimeout((int) config.http().connections().idleTimeout().toMillis())
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
            // HTTP/1.1 only. With cleartext HTTP/2 on, a connection is handed to the connection
            // handler only once its first bytes tell which protocol it speaks, so one that sends
            // nothing would never come under the ConnectionGuard's header timeout.
            .setHttp2ClearTextEnabled(false);
    config
        .http()
        .tls()
        .ifPresent(
            tls ->
                options
                    .setSsl(true)
                    .setKeyCertOptions(
                        new PemKeyCertOptions()
                            .setCertPath(tls.certPath().toString())
                            .setKeyPath(tls.keyPath().toString())));
    return vertx
        .createHttpServer(options)
        .connectionHandler(guard::connected)
        .requestHandler(this::handle)
        .invalidRequestHandler(InvalidRequests::answer)
        .exceptionHandler(ClientFaults::connectionFailed)
        .listen()
        // "Address already in use" alone does not say which address.
        .recover(
            failure ->
                Future.failedFuture(
                    new VertxException(
                        "cannot listen on "
                            + options.getHost()
                            + ":"
                            + options.getPort()
                            + ": "
                            + failure.getMessage(),
                        failure)))
        .onSuccess(
            listening -> {
              server = listening;
              onListening.accept(listening.actualPort());
            });
  }

  /** Every request: a submission to refuse is answered at once, the others routed. */
  private void handle(HttpServerRequest request) {
    if (shedder == null || !shedder.shedEarly(request)) {
      router.handle(request);
    }
  }

  private UploadTasks uploadTasks(TaskSubmitter submitter, long limit) {
    return new UploadTasks(services.files(), submitter, clock, limit);
  }

  @Override
  public Future<?> stop() {
    if (guard != null) {
      guard.stop();
    }
    if (admission != null) {
      admission.stop();
    }
    if (eventStreams != null) {
      eventStreams.closeAll();
    }
    return server == null
        ? Future.succeededFuture()
        : server.shutdown(config.node().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
  }
}
