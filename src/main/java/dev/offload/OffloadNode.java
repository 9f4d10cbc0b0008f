package dev.offload;

import dev.offload.config.OffloadConfig;
import dev.offload.dispatch.DispatchMode;
import dev.offload.dispatch.DispatcherVerticle;
import dev.offload.files.FileStore;
import dev.offload.http.ApiServices;
import dev.offload.http.HttpVerticle;
import dev.offload.images.ThumbnailHandler;
import dev.offload.maintenance.MaintenanceVerticle;
import dev.offload.metrics.Metrics;
import dev.offload.metrics.TaskMetrics;
import dev.offload.node.NodeAgentVerticle;
import dev.offload.outbound.CallbackTaskHandler;
import dev.offload.outbound.HttpTaskHandler;
import dev.offload.outbound.OutboundCalls;
import dev.offload.store.AttemptStore;
import dev.offload.store.Database;
import dev.offload.store.DatabaseStatus;
import dev.offload.store.Migrations;
import dev.offload.store.NodeStore;
import dev.offload.store.TaskStore;
import dev.offload.store.Wakeups;
import dev.offload.support.LocalCodec;
import dev.offload.task.AttemptOutcome;
import dev.offload.task.RunningAttempt;
import dev.offload.task.TaskHandlers;
import dev.offload.users.UserStore;
import dev.offload.users.UsersExportHandler;
import dev.offload.users.UsersImportHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Offload node in a Vert.x instance: HTTP verticles at once, then, as soon as the database can
 * be migrated (retrying while it is away), the dispatcher and the worker verticles. The HTTP routes
 * that do not need the database work from the first moment.
 */
public final class OffloadNode {

  private static final Logger LOG = System.getLogger(OffloadNode.class.getName());

  private final Vertx vertx;
  private final OffloadConfig config;
  private final Clock clock;
  private final TaskHandlers handlers;
  private final Pool pool;
  private final TaskStore store;
  private final AttemptStore attempts;
  private final PrometheusMeterRegistry registry;
  private final TaskMetrics metrics;
  private final NodeStore nodes;
  private final UserStore users;
  private final FileStore files;
  private final DatabaseStatus databaseStatus = new DatabaseStatus();
  private final DispatchMode dispatchMode;
  private final AtomicInteger httpPort = new AtomicInteger(-1);
  private volatile boolean stopped;
  private volatile String dispatcherDeployment;
  private volatile String httpDeployment;

  /** The attempt in progress to migrate and deploy the task runners, if any. Guarded by this. */
  private Future<?> startingTasks = Future.succeededFuture();

  private OffloadNode(
      Vertx vertx,
      OffloadConfig config,
      Clock clock,
      TaskHandlers handlers,
      PrometheusMeterRegistry registry,
      DispatchMode dispatchMode) {
    this.vertx = vertx;
    this.dispatchMode = dispatchMode;
    this.config = config;
    this.clock = clock;
    this.registry = registry;
    this.metrics = new TaskMetrics(registry);
    this.pool = Database.pool(vertx, config.database());
    // One for both stores: it merges the wakes of all their statements into as few NOTIFYs.
    Wakeups wakeups = new Wakeups(vertx, pool, config.database().notifyChannel());
    this.store = new TaskStore(pool, wakeups, config.database());
    this.attempts = new AttemptStore(pool, wakeups);
    this.nodes = new NodeStore(pool, config.database());
    this.users = new UserStore(pool);
    this.files = new FileStore(pool);
    OutboundCalls calls = new OutboundCalls(vertx, config.allowedHosts());
    // Built-in kinds that need the node's parts; handlers from META-INF/services come with the
    // caller's.
    this.handlers =
        handlers.plus(
            List.of(
                new HttpTaskHandler(calls),
                new CallbackTaskHandler(calls, store),
                new UsersExportHandler(users, files, clock),
                new UsersImportHandler(users, files, clock),
                new ThumbnailHandler(files, clock)));
  }

  /**
   * {@link #start(Vertx, OffloadConfig, Clock, TaskHandlers, PrometheusMeterRegistry)} with a
   * registry of its own.
   */
  public static Future<OffloadNode> start(
      Vertx vertx, OffloadConfig config, Clock clock, TaskHandlers handlers) {
    return start(vertx, config, clock, handlers, Metrics.newRegistry());
  }

  /**
   * Completes once HTTP listens; the database part starts in the background. {@code registry} is
   * served on {@code /metrics}: Vert.x's meters if {@code vertx} was built with it, and the node's
   * own.
   */
  public static Future<OffloadNode> start(
      Vertx vertx,
      OffloadConfig config,
      Clock clock,
      TaskHandlers handlers,
      PrometheusMeterRegistry registry) {
    return start(vertx, config, clock, handlers, registry, DispatchMode.AUTOMATIC);
  }

  /**
   * A node whose dispatcher claims only when asked, for tests that move the clock: see {@link
   * DispatchMode} and {@code dev.offload.testing.ManualDispatcher}.
   */
  public static Future<OffloadNode> start(
      Vertx vertx,
      OffloadConfig config,
      Clock clock,
      TaskHandlers handlers,
      DispatchMode dispatchMode) {
    return start(vertx, config, clock, handlers, Metrics.newRegistry(), dispatchMode);
  }

  private static Future<OffloadNode> start(
      Vertx vertx,
      OffloadConfig config,
      Clock clock,
      TaskHandlers handlers,
      PrometheusMeterRegistry registry,
      DispatchMode dispatchMode) {
    vertx
        .eventBus()
        .registerDefaultCodec(RunningAttempt.class, new LocalCodec<>(RunningAttempt.class));
    vertx
        .eventBus()
        .registerDefaultCodec(AttemptOutcome.class, new LocalCodec<>(AttemptOutcome.class));
    OffloadNode node = new OffloadNode(vertx, config, clock, handlers, registry, dispatchMode);
    return node.deployHttp().onSuccess(ignored -> node.migrateThenRunTasks()).map(node);
  }

  public int httpPort() {
    return httpPort.get();
  }

  /**
   * Every kind this node runs: the caller's handlers and the built-in ones that need the node's
   * parts.
   */
  public Collection<String> kinds() {
    return handlers.kinds();
  }

  public boolean isDatabaseReady() {
    return databaseStatus.isReady();
  }

  /**
   * Stops gracefully: HTTP drains while the dispatcher stops claiming and lets running attempts
   * finish within the shutdown grace, handing back the rest; then the workers stop and the pool
   * closes.
   */
  public Future<Void> stop() {
    Future<?> starting;
    synchronized (this) {
      stopped = true;
      starting = startingTasks;
    }
    // A migration cannot be interrupted, and its outcome must not arrive once Vert.x has closed
    // (the event
    // loop it completes on would refuse it): the attempt in progress settles first.
    return starting.transform(settled -> undeployAll());
  }

  private Future<Void> undeployAll() {
    Future<Void> dispatcherStopped =
        dispatcherDeployment == null
            ? Future.succeededFuture()
            : vertx.undeploy(dispatcherDeployment);
    Future<Void> httpDrained =
        httpDeployment == null ? Future.succeededFuture() : vertx.undeploy(httpDeployment);
    return Future.join(dispatcherStopped, httpDrained)
        .transform(
            ignored -> Future.join(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()))
        .transform(ignored -> pool.close())
        .onComplete(
            ignored -> {
              vertx.eventBus().unregisterDefaultCodec(RunningAttempt.class);
              vertx.eventBus().unregisterDefaultCodec(AttemptOutcome.class);
            });
  }

  private Future<String> deployHttp() {
    DeploymentOptions options = new DeploymentOptions().setInstances(config.http().instances());
    ApiServices services =
        new ApiServices(store, nodes, users, files, handlers, databaseStatus, metrics);
    return vertx
        .deployVerticle(
            () ->
                new HttpVerticle(
                    config, services, clock, registry, port -> httpPort.compareAndSet(-1, port)),
            options)
        .onSuccess(id -> httpDeployment = id);
  }

  private void migrateThenRunTasks() {
    Future<Void> migrated;
    synchronized (this) {
      if (stopped) { // a retry that came due as the node stopped
        return;
      }
      migrated =
          vertx.executeBlocking(
              () -> {
                Migrations.apply(config.database());
                return null;
              });
      startingTasks =
          migrated.compose(
              ignored ->
                  deployTaskRunners()
                      .onSuccess(
                          deployed -> {
                            databaseStatus.markReady();
                            LOG.log(
                                Level.INFO,
                                "database ready (schema "
                                    + config.database().schema()
                                    + " migrated)");
                          })
                      .onFailure(
                          failure -> {
                            LOG.log(
                                Level.ERROR,
                                "could not start the dispatcher and workers; retrying",
                                failure);
                            retryLater(failure);
                          }));
    }
    migrated.onFailure(
        failure -> {
          String reason = Objects.toString(rootCause(failure).getMessage(), failure.toString());
          if (!reason.equals(databaseStatus.lastFailure())) {
            LOG.log(
                Level.WARNING,
                "database not ready, retrying every "
                    + config.database().retryInterval().toMillis()
                    + " ms: "
                    + reason);
          }
          retryLater(failure);
        });
  }

  private void retryLater(Throwable failure) {
    databaseStatus.recordFailure(
        Objects.toString(rootCause(failure).getMessage(), failure.toString()));
    if (!stopped && !databaseStatus.isReady()) {
      vertx.setTimer(config.database().retryInterval().toMillis(), id -> migrateThenRunTasks());
    }
  }

  /**
   * The dispatcher first (workers announce themselves to it), then maintenance, then the node
   * agent, which deploys the workers.
   */
  private Future<?> deployTaskRunners() {
    List<String> deployed = new ArrayList<>();
    Future<Void> dispatcher = Future.succeededFuture();
    if (stopped) { // stop() came while the schema was being migrated: start nothing
      return dispatcher;
    }
    if (config.node().role().runsTasks()) {
      var verticle =
          new DispatcherVerticle(attempts, config, clock, handlers, metrics, dispatchMode);
      dispatcher =
          vertx
              .deployVerticle(verticle)
              .map(
                  id -> {
                    dispatcherDeployment = id;
                    deployed.add(id);
                    return null;
                  });
    }
    return dispatcher
        .compose(
            ignored ->
                deployUnlessStopped(
                    new MaintenanceVerticle(attempts, nodes, files, config, clock), deployed))
        .compose(
            ignored ->
                deployUnlessStopped(
                    new NodeAgentVerticle(nodes, config, clock, handlers), deployed))
        .recover(
            failure -> {
              // Leave nothing half deployed: the next attempt starts from scratch.
              dispatcherDeployment = null;
              return Future.join(deployed.stream().map(vertx::undeploy).toList())
                  .transform(ignored -> Future.failedFuture(failure));
            });
  }

  private Future<Void> deployUnlessStopped(Deployable verticle, List<String> deployed) {
    if (stopped) { // stop() ran meanwhile: deploy nothing more
      return Future.succeededFuture();
    }
    return vertx
        .deployVerticle(verticle)
        .map(
            id -> {
              deployed.add(id);
              return null;
            });
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }
}
