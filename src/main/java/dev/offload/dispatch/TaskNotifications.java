package dev.offload.dispatch;

import dev.offload.config.DatabaseConfig;
import dev.offload.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.pubsub.PgSubscriber;

/**
 * LISTENs on the task channel and calls {@code onWake} for every notification, and again after every
 * (re)subscription, since notifications sent while disconnected are lost. Keeps reconnecting for as long
 * as the database is away; the dispatcher's polling covers the gap.
 */
final class TaskNotifications {

  private final Vertx vertx;
  private final DatabaseConfig config;
  private final Runnable onWake;
  private final OutageLog outageLog = new OutageLog("listening for new tasks");
  private PgSubscriber subscriber;
  private boolean closed;

  TaskNotifications(Vertx vertx, DatabaseConfig config, Runnable onWake) {
    this.vertx = vertx;
    this.config = config;
    this.onWake = onWake;
  }

  void start() {
    subscriber = PgSubscriber.subscriber(vertx, Database.connectOptions(config))
        .reconnectPolicy(retries -> config.retryInterval().toMillis());
    subscriber.channel(config.notifyChannel())
        .subscribeHandler(ignored -> {
          outageLog.succeeded();
          onWake.run();
        })
        .handler(payload -> onWake.run());
    connect();
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
