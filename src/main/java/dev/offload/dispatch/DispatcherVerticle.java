package dev.offload.dispatch;

import dev.offload.config.OffloadConfig;
import dev.offload.metrics.TaskMetrics;
import dev.offload.store.AttemptStore;
import dev.offload.task.TaskHandlers;
import dev.offload.tracing.AttemptTracing;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.time.Clock;

/**
 * Moves due tasks from PostgreSQL to this node's worker verticles, and runs asynchronous handlers
 * on its event loop. Its parts, all on this verticle's event loop: the {@link ClaimLoop} decides
 * when to claim and how much, the {@link AttemptRunner} starts what was claimed and decides how
 * each attempt ends, the {@link AttemptEndWriter} writes those ends in batches, the {@link
 * LeaseKeeper} renews the leases and saves progress of the attempts running here, and {@link
 * TaskNotifications} hears NOTIFY. One instance per node; in {@link DispatchMode#MANUAL} it claims
 * only when asked on {@link Addresses#DISPATCHER_CYCLE}.
 */
public final class DispatcherVerticle extends VerticleBase {

  private final AttemptStore store;
  private final OffloadConfig config;
  private final Clock clock;
  private final TaskHandlers handlers;
  private final TaskMetrics metrics;
  private final AttemptTracing tracing;
  private final DispatchMode mode;
  private AttemptEndWriter endWriter;
  private AttemptRunner runner;
  private ClaimLoop claims;
  private LeaseKeeper leaseKeeper;
  private TaskNotifications notifications;

  public DispatcherVerticle(
      AttemptStore store,
      OffloadConfig config,
      Clock clock,
      TaskHandlers handlers,
      TaskMetrics metrics,
      AttemptTracing tracing,
      DispatchMode mode) {
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.handlers = handlers;
    this.metrics = metrics;
    this.tracing = tracing;
    this.mode = mode;
  }

  @Override
  public Future<?> start() {
    // The writer and the runner free capacity, and a retry is due at a known time: each tells the
    // claim loop.
    endWriter =
        new AttemptEndWriter(
            vertx, store, metrics, clock, config.database().retryInterval(), () -> claims.wake());
    ClaimFloors floors = new ClaimFloors();
    runner =
        new AttemptRunner(
            context,
            store,
            config,
            clock,
            handlers,
            metrics,
            tracing,
            endWriter,
            floors,
            () -> claims.wake(),
            at -> claims.wakeAt(at));
    claims = new ClaimLoop(vertx, store, config, clock, runner, endWriter, floors, mode);
    leaseKeeper =
        new LeaseKeeper(
            vertx,
            store,
            config.nodeId(),
            config.tasks(),
            clock,
            runner::running,
            runner::cancelRequested);
    notifications =
        new TaskNotifications(
            vertx,
            config.database(),
            claims::wake,
            claims::wakeAt,
            claims::poll,
            runner::cancelRequested);
    EventBus bus = vertx.eventBus();
    var joined =
        bus.<String>localConsumer(
            Addresses.WORKER_JOINED, message -> runner.workerJoined(message.body()));
    var left =
        bus.<String>localConsumer(
            Addresses.WORKER_LEFT, message -> runner.workerLeft(message.body()));
    var wake = bus.localConsumer(Addresses.DISPATCHER_WAKE, message -> claims.wake());
    var cycle =
        mode == DispatchMode.MANUAL
            ? bus.localConsumer(Addresses.DISPATCHER_CYCLE, this::cycle)
            : null;
    runner.start();
    leaseKeeper.start();
    notifications.start();
    claims.start();
    return Future.all(
        joined.completion(),
        left.completion(),
        wake.completion(),
        cycle == null ? Future.succeededFuture() : cycle.completion());
  }

  private void cycle(Message<Object> request) {
    claims.cycle().onComplete(request::reply, failure -> request.fail(500, failure.getMessage()));
  }

  /**
   * Stops claiming, lets running attempts finish within the shutdown grace, then stops those still
   * running and hands their tasks back (available again, the attempt not counted), so another node
   * or a restart picks them up at once instead of after the lease.
   */
  @Override
  public Future<?> stop() {
    return claims
        .stop()
        .compose(ignored -> runner.finished(config.node().shutdownGrace()))
        .transform(
            ignored -> {
              leaseKeeper.stop();
              Future<Integer> handedBack =
                  runner.stopAll("node " + config.nodeId() + " is shutting down");
              return Future.join(handedBack, endWriter.flushed(), notifications.close());
            });
  }
}
