package dev.offload.store;

import dev.offload.config.DatabaseConfig;
import dev.offload.support.OutageLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * LISTENs on PostgreSQL channels over one connection and hands each payload to its channel's
 * handler. Keeps reconnecting for as long as the database is away, and calls {@code onSubscribed}
 * after every (re)subscription: notifications sent while disconnected are lost, so the owner must
 * look again.
 */
public final class ChannelListener {

  /** How long {@link #close} lets a connection attempt in progress settle. */
  private static final long CLOSE_WAIT_MS = 2_000;

  private final Vertx vertx;
  private final DatabaseConfig config;
  private final OutageLog outageLog;
  private final Map<String, Consumer<String>> handlers = new LinkedHashMap<>();
  private Runnable onSubscribed = () -> {};
  private PgSubscriber subscriber;

  /** The connection attempt in progress, or the last one. */
  private Future<Void> connecting = Future.succeededFuture();

  private boolean closed;

  /**
   * @param purpose what the notifications are for, in log lines
   */
  public ChannelListener(Vertx vertx, DatabaseConfig config, String purpose) {
    this.vertx = vertx;
    this.config = config;
    this.outageLog = new OutageLog("listening for " + purpose);
  }

  public ChannelListener on(String channel, Consumer<String> handler) {
    handlers.put(channel, handler);
    return this;
  }

  public ChannelListener onSubscribed(Runnable action) {
    onSubscribed = action;
    return this;
  }

  public void start() {
    subscriber =
        PgSubscriber.subscriber(vertx, Database.connectOptions(config))
            .reconnectPolicy(retries -> config.retryInterval().toMillis());
    boolean first = true;
    for (Map.Entry<String, Consumer<String>> channel : handlers.entrySet()) {
      var subscription = subscriber.channel(channel.getKey()).handler(channel.getValue()::accept);
      if (first) { // every channel is subscribed on the same connection: one callback is enough
        subscription.subscribeHandler(
            ignored -> {
              watchConnection();
              outageLog.succeeded();
              onSubscribed.run();
            });
        first = false;
      }
    }
    connect();
  }

  /**
   * A connection without an exception handler prints what it is told to stderr, without a time
   * (e.g. the server's "terminating connection" on shutdown); the subscriber reconnects by itself,
   * so it is an outage like any other.
   */
  private void watchConnection() {
    PgConnection connection = subscriber.actualConnection();
    if (connection != null) {
      connection.exceptionHandler(outageLog::failed);
    }
  }

  private void connect() {
    connecting =
        subscriber
            .connect()
            .onFailure(
                failure -> {
                  if (!closed) {
                    outageLog.failed(failure);
                    vertx.setTimer(config.retryInterval().toMillis(), id -> connect());
                  }
                });
  }

  /**
   * Closed while its LISTEN is under way, the connection fails that statement and the client logs
   * an error; closed while it is being opened, it would still LISTEN once open. So the attempt in
   * progress settles first (for {@value #CLOSE_WAIT_MS} ms at most: a database that does not answer
   * must not hold up a shutdown).
   */
  public Future<Void> close() {
    closed = true;
    if (subscriber == null) {
      return Future.succeededFuture();
    }
    return connecting
        .timeout(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)
        .transform(settled -> subscriber.close());
  }
}
