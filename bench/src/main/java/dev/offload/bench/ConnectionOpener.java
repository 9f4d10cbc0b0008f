package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens N keep-alive connections to one server, with at most a few hundred connects in flight: 10,000 SYNs at once
 * overflow the kernel's SYN and accept queues (here 2,048 and 4,096) and the retransmissions, a second or more
 * later, would be measured as server latency. Connections are opened before a run, never during its measurement.
 */
final class ConnectionOpener {

  static final int DEFAULT_IN_FLIGHT = 256;
  private static final long CONNECT_TIMEOUT_MILLIS = 30_000;

  private ConnectionOpener() {
  }

  /** Never fails: connections that could not be opened are counted in {@link Opened#failures}. */
  static Future<Opened> open(HttpClientAgent client, String host, int port, int count, int inFlight) {
    HttpConnectOptions options = new HttpConnectOptions().setHost(host).setPort(port)
      .setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
    List<HttpClientConnection> opened = Collections.synchronizedList(new ArrayList<>(count));
    ErrorTally failures = new ErrorTally();
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < Math.min(count, inFlight); lane++) {
      Promise<Void> done = Promise.promise();
      connectNext(client, options, count, next, opened, failures, done);
      lanes.add(done.future());
    }
    return Future.all(lanes).map(all -> new Opened(List.copyOf(opened), failures,
      (System.nanoTime() - start) / 1e9));
  }

  /** One lane: connects one connection after the other until all N are taken by some lane. */
  private static void connectNext(HttpClientAgent client, HttpConnectOptions options, int count, AtomicInteger next,
      List<HttpClientConnection> opened, ErrorTally failures, Promise<Void> done) {
    if (next.getAndIncrement() >= count) {
      done.complete();
      return;
    }
    client.connect(options).onComplete(connected -> {
      if (connected.succeeded()) {
        opened.add(connected.result());
      } else {
        failures.add(connected.cause());
      }
      connectNext(client, options, count, next, opened, failures, done);
    });
  }

  /** Closes every connection and waits for all, ignoring failures (the server may have closed some already). */
  static Future<Void> closeAll(List<HttpClientConnection> connections) {
    List<Future<Void>> closed = new ArrayList<>(connections.size());
    for (HttpClientConnection connection : connections) {
      closed.add(connection.close().otherwiseEmpty());
    }
    return Future.join(closed).mapEmpty();
  }

  record Opened(List<HttpClientConnection> connections, ErrorTally failures, double seconds) {
  }
}
