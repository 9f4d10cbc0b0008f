package dev.offload.node;

import dev.offload.config.OffloadConfig;
import dev.offload.store.ChannelListener;
import dev.offload.store.NodeStore;
import dev.offload.support.OutageLog;
import dev.offload.task.TaskHandlers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;

/**
 * This node's presence in the registry: a heartbeat every third of the lease (role, workers,
 * running attempts), which also brings the worker count an admin asked for; a node that runs tasks
 * also owns its worker verticles and hears such requests at once on the admin channel. Its row is
 * removed when it stops.
 */
public final class NodeAgentVerticle extends VerticleBase {

  private static final Logger LOG = System.getLogger(NodeAgentVerticle.class.getName());

  private final NodeStore nodes;
  private final OffloadConfig config;
  private final Clock clock;
  private final TaskHandlers handlers;
  private final OutageLog heartbeatLog = new OutageLog("sending the node heartbeat");
  private final Instant startedAt;
  private WorkerDeployments workers;
  private ChannelListener adminRequests;

  public NodeAgentVerticle(
      NodeStore nodes, OffloadConfig config, Clock clock, TaskHandlers handlers) {
    this.nodes = nodes;
    this.config = config;
    this.clock = clock;
    this.handlers = handlers;
    this.startedAt = clock.instant();
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(config.tasks().lease().toMillis() / 3, id -> heartbeat());
    if (!config.node().role().runsTasks()) {
      heartbeat();
      return Future.succeededFuture();
    }
    workers = new WorkerDeployments(vertx, handlers);
    adminRequests =
        new ChannelListener(vertx, config.database(), "admin requests")
            .on(
                config.database().adminChannel(),
                nodeId -> {
                  if (nodeId.equals(config.nodeId())) {
                    heartbeat();
                  }
                });
    adminRequests.start();
    return workers.scaleTo(config.worker().instances()).onComplete(ignored -> heartbeat());
  }

  @Override
  public Future<?> stop() {
    Future<Void> listenerClosed =
        adminRequests == null ? Future.succeededFuture() : adminRequests.close();
    return Future.join(listenerClosed, nodes.delete(config.nodeId()));
  }

  private void heartbeat() {
    int deployed = workers == null ? 0 : workers.count();
    nodes
        .heartbeat(
            config.nodeId(), config.node().role().wireName(), startedAt, clock.instant(), deployed)
        .onSuccess(
            desired -> {
              heartbeatLog.succeeded();
              if (workers != null && desired.isPresent() && desired.get() != deployed) {
                scaleWorkers(desired.get());
              }
            })
        .onFailure(heartbeatLog::failed);
  }

  private void scaleWorkers(int instances) {
    LOG.log(Level.INFO, "scaling worker verticles from " + workers.count() + " to " + instances);
    workers
        .scaleTo(instances)
        .onSuccess(ignored -> heartbeat())
        .onFailure(failure -> LOG.log(Level.ERROR, "scaling worker verticles failed", failure));
  }
}
