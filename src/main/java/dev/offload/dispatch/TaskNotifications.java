package dev.offload.dispatch;

import dev.offload.config.DatabaseConfig;
import dev.offload.store.ChannelListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What the dispatcher hears from PostgreSQL: on the task channel, a task due now ({@code onWake})
 * or later ({@code onDueAt} with its start time); on the cancel channel, a task whose cancellation
 * was requested ({@code onCancel}); and {@code onSubscribed} after every (re)connection. The
 * dispatcher's polling and lease renewals cover whatever is missed while disconnected.
 */
final class TaskNotifications {

  private final ChannelListener listener;

  TaskNotifications(
      Vertx vertx,
      DatabaseConfig config,
      Runnable onWake,
      Consumer<Instant> onDueAt,
      Runnable onSubscribed,
      Consumer<UUID> onCancel) {
    this.listener =
        new ChannelListener(vertx, config, "new tasks")
            .on(config.notifyChannel(), payload -> taskDue(payload, onWake, onDueAt))
            .on(config.cancelChannel(), payload -> cancelRequested(payload, onCancel))
            .onSubscribed(onSubscribed);
  }

  void start() {
    listener.start();
  }

  Future<Void> close() {
    return listener.close();
  }

  /** Payload {@code at:<epoch millis>} for a task due later; anything else means due now. */
  private static void taskDue(String payload, Runnable onWake, Consumer<Instant> onDueAt) {
    if (payload.startsWith("at:")) {
      try {
        onDueAt.accept(Instant.ofEpochMilli(Long.parseLong(payload.substring(3))));
        return;
      } catch (NumberFormatException e) {
        // Not ours: fall through and claim, which is always safe.
      }
    }
    onWake.run();
  }

  private static void cancelRequested(String payload, Consumer<UUID> onCancel) {
    try {
      onCancel.accept(UUID.fromString(payload));
    } catch (IllegalArgumentException e) {
      // Not ours: someone else sent a NOTIFY on this channel. Ignore it.
    }
  }
}
