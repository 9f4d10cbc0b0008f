package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientConnection;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps each connection busy with exactly one request at a time: the next one leaves as soon as the previous answer
 * has been read (a closed loop, so N connections mean N requests in flight). A connection whose request fails stops
 * there, its failure counted: a broken server yields errors, never a client spinning on a dead connection.
 */
final class BackToBack {

  private final Vertx vertx;
  private final RequestTemplate template;

  BackToBack(Vertx vertx, RequestTemplate template) {
    this.vertx = vertx;
    this.template = template;
  }

  /** Each connection sends {@code perConnection} requests; all of them are recorded in {@code stats}. */
  Future<Void> count(List<HttpClientConnection> connections, int perConnection, LoadStats stats) {
    return all(connections, new Plan() {
      @Override
      public boolean sendAnother(int sent, long nowNanos) {
        return sent < perConnection;
      }

      @Override
      public LoadStats statsFor(long completedNanos) {
        return stats;
      }
    }, 0);
  }

  /**
   * Each connection sends until {@code stopNanos}. A request that completes before {@code measureFromNanos} counts in
   * {@code warmUp}, one that completes up to {@code stopNanos} in {@code measured}; one still in flight at the stop is
   * awaited but counted in neither, so the measured window holds exactly what completed within it.
   */
  Future<Void> until(List<HttpClientConnection> connections, long measureFromNanos, long stopNanos, LoadStats warmUp,
      LoadStats measured, long staggerNanos) {
    return all(connections, new Plan() {
      @Override
      public boolean sendAnother(int sent, long nowNanos) {
        return nowNanos < stopNanos;
      }

      @Override
      public LoadStats statsFor(long completedNanos) {
        if (completedNanos < measureFromNanos) {
          return warmUp;
        }
        return completedNanos <= stopNanos ? measured : null;
      }
    }, staggerNanos);
  }

  /** Starts every connection's loop, connection i after i/N of {@code staggerNanos}. */
  private Future<Void> all(List<HttpClientConnection> connections, Plan plan, long staggerNanos) {
    List<Future<Void>> loops = new ArrayList<>(connections.size());
    for (int i = 0; i < connections.size(); i++) {
      HttpClientConnection connection = connections.get(i);
      Promise<Void> done = Promise.promise();
      long delayMillis = staggerNanos * i / connections.size() / 1_000_000;
      if (delayMillis == 0) {
        next(connection, plan, 0, done);
      } else {
        vertx.setTimer(delayMillis, start -> next(connection, plan, 0, done));
      }
      loops.add(done.future());
    }
    return Future.all(loops).mapEmpty();
  }

  /**
   * One promise per connection rather than a chain of futures: a chain as long as the run (a million requests) would
   * complete recursively, and overflow the stack.
   */
  private void next(HttpClientConnection connection, Plan plan, int sent, Promise<Void> done) {
    long start = System.nanoTime();
    if (!plan.sendAnother(sent, start)) {
      done.complete();
      return;
    }
    Http.exchange(connection, template.next(), template.body(), template.expectedStatus()).onComplete(answered -> {
      long completed = System.nanoTime();
      LoadStats stats = plan.statsFor(completed);
      if (answered.succeeded()) {
        if (stats != null) {
          stats.success(completed - start);
        }
        next(connection, plan, sent + 1, done);
      } else {
        if (stats != null) {
          stats.failure(answered.cause());
        }
        done.complete();
      }
    });
  }

  /** When a connection sends another request, and where its outcome is recorded (null: nowhere). */
  private interface Plan {

    boolean sendAnother(int sent, long nowNanos);

    LoadStats statsFor(long completedNanos);
  }
}
