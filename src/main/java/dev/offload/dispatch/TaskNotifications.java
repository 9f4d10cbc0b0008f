package dev.offload.dispatch;

import dev.offload.config.DatabaseConfig;
import dev.offload.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * LISTENs on the task channel and calls {@code onWake} for every task due now and {@code onDueAt} with the
 * start time of a task due later; {@code onSubscribed} after every (re)subscription, since notifications sent
 * while disconnected are lost; and on the cancel channel, calling
 * {@code onCancel} with the id of each task whose cancellation was requested. Keeps reconnecting for as long
 * as the database is away; the dispatcher's polling and lease renewals cover the gap.
 */
final class TaskNotifications {

  private final Vertx vertx;
  private final DatabaseConfig config;
  private final Runnable onWake;
  private final Consumer<Instant> onDueAt;
  private final Runnable onSubscribed;
  private final Consumer<UUID> onCancel;
  private final OutageLog outageLog = new OutageLog("listening for new tasks");
  private PgSubscriber subscriber;
  private boolean closed;

  TaskNotifications(Vertx vertx, DatabaseConfig config, Runnable onWake, Consumer<Instant> onDueAt,
      Runnable onSubscribed, Consumer<UUID> onCancel) {
    this.vertx = vertx;
    this.config = config;
    this.onWake = onWake;
    this.onDueAt = onDueAt;
    this.onSubscribed = onSubscribed;
    this.onCancel = onCancel;
  }

  void start() {
    subscriber = PgSubscriber.subscriber(vertx, Database.connectOptions(config))
        .reconnectPolicy(retries -> config.retryInterval().toMillis());
    subscriber.channel(config.notifyChannel())
        .subscribeHandler(ignored -> {
          outageLog.succeeded();
          onSubscribed.run();
        })
        .handler(this::taskDue);
    subscriber.channel(config.cancelChannel()).handler(this::cancelRequested);
    connect();
  }

  /** Payload {@code at:<epoch millis>} for a task due later; anything else means due now. */
  private void taskDue(String payload) {
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

  private void cancelRequested(String payload) {
    try {
      onCancel.accept(UUID.fromString(payload));
    } catch (IllegalArgumentException e) {
      // Not ours: someone else sent a NOTIFY on this channel. Ignore it.
    }
  }

  private void connect() {
    subscriber.connect().onFailure(failure -> {
      outageLog.failed(failure);
      if (!closed) {
        vertx.setTimer(config.retryInterval().toMillis(), id -> connect());
      }
    });
  }

  Future<Void> close() {
    closed = true;
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }
}
