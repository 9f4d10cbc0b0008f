package dev.offload.bench;

import dev.offload.bench.ConnectionOpener.Opened;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpHeaders;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An open-loop run: requests leave on a fixed schedule, {@code rate} per second for {@code seconds}, whether or not
 * earlier ones have been answered, as clients that do not wait for each other would send them. Request i is due at
 * {@code i / rate} s; a 1 ms timer sends whatever has fallen due. The connections are opened first (not measured);
 * each carries one request at a time, and a due request that finds none idle waits in the generator for the next
 * one to come free. Its latency still counts from the time it was due (no coordinated omission): a server that
 * answers late is measured late, even where the generator held the request back.
 */
final class OpenLoopRun {

  private static final long TICK_MILLIS = 1;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final RequestTemplate template;
  private final double rate;
  private final double seconds;
  private final int connections;
  private final OpenLoopTally tally;
  private final Deque<HttpClientConnection> idle = new ArrayDeque<>();
  private final Deque<Long> waiting = new ArrayDeque<>();
  private final Promise<Void> finished = Promise.promise();
  private long total;
  private long startNanos;
  private long sent;
  private long answered;
  private int open;
  private int maxWaiting;
  private long timer;
  private long endNanos;

  OpenLoopRun(Vertx vertx, HttpClientAgent client, RequestTemplate template, double rate, double seconds,
      int connections, OpenLoopTally tally) {
    this.vertx = vertx;
    this.client = client;
    this.template = template;
    this.rate = rate;
    this.seconds = seconds;
    this.connections = connections;
    this.tally = tally;
  }

  /** Opens the connections, sends the whole schedule, and completes once every request has ended. */
  Future<Void> run() {
    return ConnectionOpener.open(client, template.host(), template.port(), connections,
        ConnectionOpener.DEFAULT_IN_FLIGHT)
      .compose(opened -> {
        System.err.printf("open loop: %d of %d connections open after %.2f s%n", opened.connections().size(),
          connections, opened.seconds());
        opened.failures().log("open loop connect");
        tally.connectFailures(opened.failures().total());
        // The timer and every answer run on this one context, so the queues need no locking.
        vertx.runOnContext(started -> start(opened));
        return finished.future().eventually(() -> ConnectionOpener.closeAll(opened.connections()));
      });
  }

  /** The most requests that were due but waited in the generator for a connection at once. */
  int maxWaiting() {
    return maxWaiting;
  }

  /** From the first request due to the last answer: the schedule's length, unless answers lagged. */
  double elapsedSeconds() {
    return (endNanos - startNanos) / 1e9;
  }

  private void start(Opened opened) {
    idle.addAll(opened.connections());
    open = idle.size();
    total = Math.round(rate * seconds);
    startNanos = System.nanoTime();
    if (open == 0) {
      finished.fail("no connection could be opened");
      return;
    }
    timer = vertx.setPeriodic(TICK_MILLIS, tick -> sendDue());
  }

  private void sendDue() {
    long due = Math.min(total, (long) ((System.nanoTime() - startNanos) / 1e9 * rate));
    while (sent < due) {
      waiting.addLast(startNanos + (long) (sent * 1e9 / rate));
      sent++;
    }
    if (sent == total) {
      vertx.cancelTimer(timer);
    }
    dispatch();
    maxWaiting = Math.max(maxWaiting, waiting.size());
  }

  /** Sends waiting requests while a connection is idle. */
  private void dispatch() {
    while (!waiting.isEmpty() && !idle.isEmpty()) {
      send(idle.pollFirst(), waiting.pollFirst());
    }
    if (answered == total && !finished.future().isComplete()) {
      endNanos = System.nanoTime();
      finished.complete();
    } else if (open == 0 && !finished.future().isComplete()) {
      // Every connection broke: what is left can never be sent.
      vertx.cancelTimer(timer);
      tally.unsent(total - answered);
      endNanos = System.nanoTime();
      finished.complete();
    }
  }

  private void send(HttpClientConnection connection, long dueNanos) {
    long sentAt = System.nanoTime();
    tally.sent(sentAt - dueNanos);
    connection.request(template.next())
      .compose(request -> template.body() == null ? request.send() : request.send(template.body()))
      .compose(response -> response.body().map(body -> new OpenLoopTally.Answer(response.statusCode(),
        response.getHeader(HttpHeaders.RETRY_AFTER), body)))
      .onComplete(done -> {
        long now = System.nanoTime();
        answered++;
        if (done.succeeded()) {
          tally.answered(done.result(), now - dueNanos, now - sentAt);
          idle.addLast(connection);
        } else {
          // A connection that failed is not used again: the server may have closed it.
          tally.failed(done.cause());
          open--;
          connection.close();
        }
        dispatch();
      });
  }
}
