package dev.offload.worker;

import dev.offload.dispatch.Addresses;
import dev.offload.support.LogFields;
import dev.offload.task.AttemptOutcome;
import dev.offload.task.RunningAttempt;
import dev.offload.task.TaskHandler;
import dev.offload.task.TaskHandlers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs task handlers. Deployed as a worker verticle ({@code ThreadingModel.WORKER}), so each
 * instance runs one attempt at a time on a worker thread and handlers may block. It announces its
 * own address to the dispatcher, which sends it an attempt only when it is idle.
 */
public final class TaskWorkerVerticle extends VerticleBase {

  private final TaskHandlers handlers;
  private final String address = Addresses.worker(UUID.randomUUID());

  public TaskWorkerVerticle(TaskHandlers handlers) {
    this.handlers = handlers;
  }

  @Override
  public Future<?> start() {
    MessageConsumer<RunningAttempt> consumer = vertx.eventBus().localConsumer(address, this::run);
    return consumer
        .completion()
        .onSuccess(ignored -> vertx.eventBus().send(Addresses.WORKER_JOINED, address));
  }

  @Override
  public Future<?> stop() {
    // Runs after the attempt in progress (if any) returned: this context runs one thing at a time.
    vertx.eventBus().send(Addresses.WORKER_LEFT, address);
    return Future.succeededFuture();
  }

  private void run(Message<RunningAttempt> message) {
    RunningAttempt attempt = message.body();
    attempt.bindCurrentThread();
    try {
      // This thread is the attempt's until the handler returns: every line it logs meanwhile is
      // the task's.
      message.reply(
          LogFields.task(attempt.taskId(), attempt.task().kind()).get(() -> execute(attempt)));
    } finally {
      attempt.unbindCurrentThread();
    }
  }

  private AttemptOutcome execute(RunningAttempt attempt) {
    String kind = attempt.task().kind();
    Optional<TaskHandler> handler = handlers.find(kind);
    if (handler.isEmpty()) {
      return AttemptOutcome.failed("no handler for kind '" + kind + "' on this node");
    }
    try {
      return AttemptOutcome.ofResult(handler.get().run(attempt));
    } catch (Throwable e) {
      return AttemptOutcome.ofFailure(e, attempt.stopReason());
    }
  }
}
