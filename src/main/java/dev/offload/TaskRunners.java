package dev.offload;

import dev.offload.config.OffloadConfig;
import dev.offload.store.DatabaseStatus;
import dev.offload.store.Migrations;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Starts the part of a node that needs the database: migrates the schema (off the event loop,
 * retrying every {@code database.retry_interval} while the database is away), then deploys the
 * dispatcher, maintenance and the node agent, undoing a half deployment so that the next attempt
 * starts from scratch. Apart from {@link OffloadNode}, which assembles the parts, because this
 * sequence has its own state: the attempt in progress, which {@link #stop()} must let settle.
 */
final class TaskRunners {

  private static final Logger LOG = System.getLogger(TaskRunners.class.getName());

  private final Vertx vertx;
  private final OffloadConfig config;
  private final DatabaseStatus databaseStatus;
  private final Supplier<Deployable> dispatcher;
  private final Supplier<Deployable> maintenance;
  private final Supplier<Deployable> nodeAgent;
  private volatile boolean stopped;
  private volatile String dispatcherDeployment;

  /** The attempt in progress to migrate and deploy the task runners, if any. Guarded by this. */
  private Future<?> startingTasks = Future.succeededFuture();

  /** Each supplier makes a new verticle for every attempt. */
  TaskRunners(
      Vertx vertx,
      OffloadConfig config,
      DatabaseStatus databaseStatus,
      Supplier<Deployable> dispatcher,
      Supplier<Deployable> maintenance,
      Supplier<Deployable> nodeAgent) {
    this.vertx = vertx;
    this.config = config;
    this.databaseStatus = databaseStatus;
    this.dispatcher = dispatcher;
    this.maintenance = maintenance;
    this.nodeAgent = nodeAgent;
  }

  /** Starts the first attempt; the next ones follow on their own until one succeeds or stop(). */
  void start() {
    migrateThenRunTasks();
  }

  /**
   * Starts nothing more. Completes once the attempt in progress has settled: a migration cannot be
   * interrupted, and its outcome must not arrive once Vert.x has closed (the event loop it
   * completes on would refuse it).
   */
  Future<?> stop() {
    synchronized (this) {
      stopped = true;
      return startingTasks;
    }
  }

  /** Undeploys the dispatcher, if deployed: it stops claiming and lets running attempts finish. */
  Future<Void> undeployDispatcher() {
    return dispatcherDeployment == null
        ? Future.succeededFuture()
        : vertx.undeploy(dispatcherDeployment);
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
    Future<Void> dispatcherDeployed = Future.succeededFuture();
    if (stopped) { // stop() came while the schema was being migrated: start nothing
      return dispatcherDeployed;
    }
    if (config.node().role().runsTasks()) {
      dispatcherDeployed =
          vertx
              .deployVerticle(dispatcher.get())
              .map(
                  id -> {
                    dispatcherDeployment = id;
                    deployed.add(id);
                    return null;
                  });
    }
    return dispatcherDeployed
        .compose(ignored -> deployUnlessStopped(maintenance.get(), deployed))
        .compose(ignored -> deployUnlessStopped(nodeAgent.get(), deployed))
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
