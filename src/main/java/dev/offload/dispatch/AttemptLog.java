package dev.offload.dispatch;

import dev.offload.support.LogFields;
import dev.offload.task.AttemptEnd;
import dev.offload.task.AttemptOutcome;
import dev.offload.task.Task;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * One line per attempt event on this node, each with its task's {@code task_id} and {@code kind}: a
 * start and a success at DEBUG (thousands a second on a busy node), a failure that leaves the task
 * to retry at INFO, one that discards it at WARN. The ends say what the outcome asked for, as the
 * {@code offload_attempts_ended_total} counter does: a task whose cancel was requested meanwhile is
 * then ended {@code cancelled} by the store.
 */
final class AttemptLog {

  private static final Logger LOG = System.getLogger(AttemptLog.class.getName());

  private AttemptLog() {}

  static void started(Task task) {
    log(task, Level.DEBUG, "started");
  }

  static void ended(Task task, AttemptOutcome outcome, AttemptEnd end) {
    switch (end.state()) {
      case COMPLETED -> log(task, Level.DEBUG, "completed");
      case RETRYABLE ->
          log(task, Level.INFO, "failed, retry at " + end.retryAt() + ": " + outcome.error());
      default -> {
        // A handler discards what its input makes hopeless (a file that is not an image): the
        // client's doing, which must not be able to fill the log with warnings.
        if (outcome.status() == AttemptOutcome.Status.DISCARDED) {
          log(task, Level.INFO, "discarded by its handler: " + outcome.error());
        } else {
          log(task, Level.WARNING, "failed, no attempt left: " + outcome.error());
        }
      }
    }
  }

  private static void log(Task task, Level level, String what) {
    if (LOG.isLoggable(level)) {
      LogFields.task(task.id(), task.kind())
          .run(
              () ->
                  LOG.log(
                      level,
                      "attempt " + task.attempt() + " of " + task.maxAttempts() + " " + what));
    }
  }
}
