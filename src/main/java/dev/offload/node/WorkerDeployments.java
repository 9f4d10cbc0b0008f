package dev.offload.node;

import dev.offload.task.TaskHandlers;
import dev.offload.worker.TaskWorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * This node's worker verticles, one deployment per instance so that they can be added and removed
 * one at a time while the node runs. Each has a worker thread of its own. Removing one is graceful:
 * an instance stops only after the attempt it runs has returned. Confined to the context of the
 * verticle that owns it.
 */
final class WorkerDeployments {

  private final Vertx vertx;
  private final TaskHandlers handlers;
  private final Deque<String> deployments = new ArrayDeque<>();
  private int target;
  private int nextPool;
  private Promise<Void> settled;

  WorkerDeployments(Vertx vertx, TaskHandlers handlers) {
    this.vertx = vertx;
    this.handlers = handlers;
  }

  int count() {
    return deployments.size();
  }

  /** Deploys or undeploys instances until {@code instances} run; completes when they do. */
  Future<Void> scaleTo(int instances) {
    target = instances;
    if (settled != null) { // a change is under way; it goes on to the new target
      return settled.future();
    }
    settled = Promise.promise();
    Future<Void> done = settled.future();
    step(); // may settle at once
    return done;
  }

  private void step() {
    Future<?> change;
    if (deployments.size() < target) {
      change =
          vertx
              .deployVerticle(
                  new TaskWorkerVerticle(handlers),
                  new DeploymentOptions()
                      .setThreadingModel(ThreadingModel.WORKER)
                      .setWorkerPoolName("offload-task-worker-" + nextPool++)
                      .setWorkerPoolSize(1)
                      // Handlers may legitimately block for as long as a task's timeout allows.
                      .setMaxWorkerExecuteTime(1)
                      .setMaxWorkerExecuteTimeUnit(TimeUnit.DAYS))
              .onSuccess(deployments::push);
    } else if (deployments.size() > target) {
      change = vertx.undeploy(deployments.pop());
    } else {
      Promise<Void> done = settled;
      settled = null;
      done.complete();
      return;
    }
    change.onComplete(
        ignored -> step(),
        failure -> {
          Promise<Void> failed = settled;
          settled = null;
          failed.fail(failure);
        });
  }
}
