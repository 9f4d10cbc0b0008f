package dev.offload.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * A TCP proxy on a fixed local port in front of a real server (here PostgreSQL). Stopping it closes
 * every connection through it, as a database restart or a network cut would; starting it again
 * restores them.
 */
public final class TcpProxy {

  private final Vertx vertx;
  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final Set<NetSocket> sockets = new HashSet<>();
  private NetClient client;
  private NetServer server;

  public TcpProxy(Vertx vertx, int port, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.port = port;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  public int port() {
    return port;
  }

  public Future<Void> start() {
    client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(this::proxy);
    return server.listen(port, "127.0.0.1").mapEmpty();
  }

  /** Closes every connection through it; nothing to do if it never started. */
  public Future<Void> stop() {
    if (server == null) {
      return Future.succeededFuture();
    }
    synchronized (sockets) {
      sockets.forEach(NetSocket::close);
      sockets.clear();
    }
    return server.close().compose(ignored -> client.close());
  }

  private void proxy(NetSocket downstream) {
    downstream.pause();
    track(downstream);
    client
        .connect(targetPort, targetHost)
        .onSuccess(
            upstream -> {
              track(upstream);
              downstream.closeHandler(ignored -> upstream.close());
              upstream.closeHandler(ignored -> downstream.close());
              downstream.pipeTo(upstream);
              upstream.pipeTo(downstream);
              downstream.resume();
            })
        .onFailure(failure -> downstream.close());
  }

  private void track(NetSocket socket) {
    synchronized (sockets) {
      sockets.add(socket);
    }
  }
}
