package dev.offload.http;

import dev.offload.api.ApiError;
import dev.offload.config.ConnectionConfig;
import dev.offload.http.OpenConnections.Admission;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * One HTTP verticle's watch over its connections: admits each through the node's {@link
 * OpenConnections}, and closes those whose client is too slow. A connection must finish its
 * request's headers within the header timeout (the keep-alive timeout after a response), and a body
 * within the body timeout; the HTTP server's idle timeout covers pauses between bytes. Deadlines
 * are checked by one periodic sweep rather than a timer per request: a request then costs two field
 * writes, and the sweep over even 10,000 connections takes microseconds.
 *
 * <p>Used on the verticle's event loop only: its server's handlers all run there.
 */
final class ConnectionGuard {

  private static final long NO_DEADLINE = Long.MAX_VALUE;
  private static final String RETRY_AFTER_SECONDS = "1";

  private final Vertx vertx;
  private final OpenConnections counts;
  private final long headerTimeoutMs;
  private final long keepAliveTimeoutMs;
  private final long bodyTimeoutMs;
  private final Map<HttpConnection, Watched> watched = new HashMap<>();
  private final long sweeper;

  ConnectionGuard(Vertx vertx, OpenConnections counts, ConnectionConfig config) {
    this.vertx = vertx;
    this.counts = counts;
    this.headerTimeoutMs = config.headerTimeout().toMillis();
    this.keepAliveTimeoutMs = config.keepAliveTimeout().toMillis();
    this.bodyTimeoutMs = config.bodyTimeout().toMillis();
    long shortest = Math.min(headerTimeoutMs, Math.min(keepAliveTimeoutMs, bodyTimeoutMs));
    // A deadline is missed by at most a quarter of the shortest timeout, and by at most a second.
    this.sweeper = vertx.setPeriodic(Math.max(25, Math.min(1000, shortest / 4)), id -> sweep());
  }

  /** For {@code HttpServer#connectionHandler}. */
  void connected(HttpConnection connection) {
    String client = connection.remoteAddress().hostAddress();
    Admission admission = counts.admit(client);
    if (admission == Admission.REFUSE) {
      connection.close();
      return;
    }
    Watched entry = new Watched(admission == Admission.HEALTH_ONLY);
    entry.deadline = now() + headerTimeoutMs;
    watched.put(connection, entry);
    connection.closeHandler(
        closed -> {
          watched.remove(connection);
          counts.release(client);
        });
  }

  /** The first handler of the router: a request's headers are in; now its body has a deadline. */
  void requestStarted(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Watched entry = watched.get(request.connection());
    if (entry == null) {
      ctx.next();
      return;
    }
    if (entry.healthOnly && !isHealthCheck(request.path())) {
      ctx.response()
          .putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
          .putHeader(HttpHeaders.CONNECTION, "close");
      ctx.addEndHandler(ended -> request.connection().close());
      ctx.fail(
          new ApiError(
              503,
              "too_many_connections",
              "the server has too many open connections; try again shortly"));
      return;
    }
    entry.request = ctx;
    if (hasBody(request)) {
      entry.deadline = now() + bodyTimeoutMs;
      request.end().onComplete(ended -> bodyRead(entry, ctx));
    } else {
      entry.deadline = NO_DEADLINE;
    }
    ctx.addEndHandler(
        responded -> {
          if (entry.request == ctx) {
            entry.request = null;
            entry.deadline = now() + keepAliveTimeoutMs;
          }
        });
    ctx.next();
  }

  /**
   * For a request answered before the router saw it ({@link SubmissionShedder}): false on a
   * health-only connection, whose refusal is the router's to give; otherwise the keep-alive
   * deadline starts, as after any response.
   */
  boolean answeredAtOnce(HttpServerRequest request) {
    Watched entry = watched.get(request.connection());
    if (entry == null) {
      return true;
    }
    if (entry.healthOnly) {
      return false;
    }
    entry.request = null;
    entry.deadline = now() + keepAliveTimeoutMs;
    return true;
  }

  void stop() {
    vertx.cancelTimer(sweeper);
  }

  private void bodyRead(Watched entry, RoutingContext ctx) {
    if (entry.request == ctx) {
      entry.deadline = NO_DEADLINE;
    }
  }

  private void sweep() {
    long now = now();
    watched.forEach(
        (connection, entry) -> {
          if (now > entry.deadline) {
            entry.deadline = NO_DEADLINE;
            expire(connection, entry.request);
          }
        });
  }

  /**
   * Closes a connection past its deadline; one in the middle of a request's body is told why first,
   * if its response has not begun.
   */
  private static void expire(HttpConnection connection, RoutingContext request) {
    if (request == null || request.response().headWritten()) {
      connection.close();
      return;
    }
    InvalidRequests.answerAndClose(
        request.request(),
        new ApiError(408, "request_timeout", "the request body did not arrive in time"));
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
        || (length != null && !length.equals("0"));
  }

  private static boolean isHealthCheck(String path) {
    return "/health".equals(path) || "/ready".equals(path);
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  /** One connection's state; {@code request} is the one in progress, if any. */
  private static final class Watched {
    final boolean healthOnly;
    long deadline;
    RoutingContext request;

    Watched(boolean healthOnly) {
      this.healthOnly = healthOnly;
    }
  }
}
