package dev.offload;

import dev.offload.config.ConnectionConfig;
import dev.offload.config.OffloadConfig;
import dev.offload.dispatch.DispatchMode;
import dev.offload.dispatch.DispatcherVerticle;
import dev.offload.events.EventServices;
import dev.offload.events.TaskEventHub;
import dev.offload.files.FileStore;
import dev.offload.http.ApiDocument;
import dev.offload.http.ApiServices;
import dev.offload.http.HttpVerticle;
import dev.offload.http.OpenConnections;
import dev.offload.images.ThumbnailHandler;
import dev.offload.maintenance.MaintenanceVerticle;
import dev.offload.metrics.Metrics;
import dev.offload.metrics.TaskMetrics;
import dev.offload.node.NodeAgentVerticle;
import dev.offload.outbound.CallbackTaskHandler;
import dev.offload.outbound.HttpTaskHandler;
import dev.offload.outbound.OutboundCalls;
import dev.offload.stats.StatsServices;
import dev.offload.stats.TaskCounts;
import dev.offload.store.AttemptStore;
import dev.offload.store.Database;
import dev.offload.store.DatabaseStatus;
import dev.offload.store.NodeStore;
import dev.offload.store.QueueStore;
import dev.offload.store.StatsStore;
import dev.offload.store.TaskChanges;
import dev.offload.store.TaskEventStore;
import dev.offload.store.TaskStore;
import dev.offload.store.Wakeups;
import dev.offload.support.LocalCodec;
import dev.offload.task.AttemptOutcome;
import dev.offload.task.RunningAttempt;
import dev.offload.task.TaskHandlers;
import dev.offload.tracing.Tracing;
import dev.offload.users.UserStore;
import dev.offload.users.UsersExportHandler;
import dev.offload.users.UsersImportHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Offload node in a Vert.x instance: HTTP verticles at once, then, as soon as the database can
 * be migrated (retrying while it is away), the dispatcher and the worker verticles. The HTTP routes
 * that do not need the database work from the first moment. This class assembles the parts (pool,
 * stores, handlers, meters) and starts and stops them; the database part's start-up sequence is
 * {@link TaskRunners}.
 */
public final class OffloadNode {

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
  private final EventServices events;
  private final StatsServices stats;
  private final DatabaseStatus databaseStatus = new DatabaseStatus();
  private final AtomicInteger httpPort = new AtomicInteger(-1);
  private final TaskRunners taskRunners;
  private volatile String httpDeployment;

  private OffloadNode(
      Vertx vertx,
      OffloadConfig config,
      Clock clock,
      TaskHandlers handlers,
      PrometheusMeterRegistry registry,
      DispatchMode dispatchMode,
      Tracing tracing) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.registry = registry;
    this.metrics = new TaskMetrics(registry, clock);
    this.pool = Database.pool(vertx, config.database());
    // One for both stores: it merges the wakes of all their statements into as few NOTIFYs.
    Wakeups wakeups = new Wakeups(vertx, pool, config.database().notifyChannel());
    // One for both stores too: the changes of all their statements go out in as few NOTIFYs.
    TaskChanges changes = new TaskChanges(pool, config.database().eventChannel());
    this.store =
        new TaskStore(pool, wakeups, changes, config.database(), clock, config.tasks().retention());
    this.attempts = new AttemptStore(pool, wakeups, changes);
    TaskEventStore eventStore = new TaskEventStore(pool, clock, config.tasks().retention());
    this.events =
        new EventServices(
            new TaskEventHub(config.database(), changes, eventStore, clock), eventStore);
    StatsStore statsStore = new StatsStore(pool);
    this.stats =
        new StatsServices(
            new QueueStore(pool, wakeups), statsStore, new TaskCounts(statsStore, clock));
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
    // this.handlers, with the built-in kinds, not the caller's alone.
    this.taskRunners =
        new TaskRunners(
            vertx,
            config,
            databaseStatus,
            () ->
                new DispatcherVerticle(
                    attempts,
                    config,
                    clock,
                    this.handlers,
                    metrics,
                    tracing.attempts(),
                    dispatchMode),
            () ->
                new MaintenanceVerticle(
                    attempts, nodes, files, stats.stats(), metrics, config, clock),
            () -> new NodeAgentVerticle(nodes, config, clock, this.handlers));
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
    return start(vertx, config, clock, handlers, registry, Tracing.off());
  }

  /**
   * A node that traces its attempts with {@code tracing}; {@code vertx} should have been built with
   * it too ({@link Tracing#install}), for the spans of HTTP requests and SQL statements.
   */
  public static Future<OffloadNode> start(
      Vertx vertx,
      OffloadConfig config,
      Clock clock,
      TaskHandlers handlers,
      PrometheusMeterRegistry registry,
      Tracing tracing) {
    return start(vertx, config, clock, handlers, registry, DispatchMode.AUTOMATIC, tracing);
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
    return start(vertx, config, clock, handlers, dispatchMode, Tracing.off());
  }

  /** {@link #start(Vertx, OffloadConfig, Clock, TaskHandlers, DispatchMode)}, traced. */
  public static Future<OffloadNode> start(
      Vertx vertx,
      OffloadConfig config,
      Clock clock,
      TaskHandlers handlers,
      DispatchMode dispatchMode,
      Tracing tracing) {
    return start(vertx, config, clock, handlers, Metrics.newRegistry(), dispatchMode, tracing);
  }

  private static Future<OffloadNode> start(
      Vertx vertx,
      OffloadConfig config,
      Clock clock,
      TaskHandlers handlers,
      PrometheusMeterRegistry registry,
      DispatchMode dispatchMode,
      Tracing tracing) {
    vertx
        .eventBus()
        .registerDefaultCodec(RunningAttempt.class, new LocalCodec<>(RunningAttempt.class));
    vertx
        .eventBus()
        .registerDefaultCodec(AttemptOutcome.class, new LocalCodec<>(AttemptOutcome.class));
    OffloadNode node =
        new OffloadNode(vertx, config, clock, handlers, registry, dispatchMode, tracing);
    // The event hub first: every node hears whether some node watches, and HTTP streams need it.
    return vertx
        .deployVerticle(node.events.hub())
        .compose(hub -> node.deployHttp())
        .onSuccess(ignored -> node.taskRunners.start())
        .map(node);
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
    // The attempt in progress to start the task runners settles first.
    return taskRunners.stop().transform(settled -> undeployAll());
  }

  private Future<Void> undeployAll() {
    Future<Void> dispatcherStopped = taskRunners.undeployDispatcher();
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

  /** The API's description is read once, off the event loop, for all the HTTP verticles. */
  private Future<String> deployHttp() {
    return vertx.executeBlocking(ApiDocument::load, false).compose(this::deployHttp);
  }

  private Future<String> deployHttp(ApiDocument document) {
    DeploymentOptions options = new DeploymentOptions().setInstances(config.http().instances());
    ConnectionConfig limits = config.http().connections();
    ApiServices services =
        new ApiServices(
            store,
            nodes,
            users,
            files,
            handlers,
            databaseStatus,
            metrics,
            new OpenConnections(
                limits.maxConnections(),
                limits.maxConnectionsPerClient(),
                limits.healthConnections()),
            document,
            events,
            stats);
    return vertx
        .deployVerticle(
            () ->
                new HttpVerticle(
                    config, services, clock, registry, port -> httpPort.compareAndSet(-1, port)),
            options)
        .onSuccess(id -> httpDeployment = id);
  }
}
