package dev.offload.upstream;

import dev.offload.config.UpstreamConfig;
import dev.offload.support.Durations;
import dev.offload.upstream.UpstreamFailure.Kind;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.RetryPolicy;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GETs under one configured upstream's base URL, through one {@link WebClient} and one circuit
 * breaker.
 *
 * <p>Each attempt has {@code timeout} for all of it: waiting for a connection, connecting, headers
 * and body. A connection error, a 5xx or a timeout is tried again up to {@code retries} times after
 * a full-jitter exponential backoff (GET is idempotent); a 4xx is the upstream's answer and is
 * neither retried nor counted against it. After {@code breaker_failures} calls in a row failed that
 * way, the circuit opens: calls fail at once without reaching the upstream for {@code
 * breaker_reset}, then a single call tests it and closes or reopens the circuit.
 *
 * <p>At most {@code max_concurrency} requests are in flight per node: the client's connection pool,
 * shared by the node's HTTP verticles, has that many HTTP/1.1 connections. Further requests wait in
 * a bounded queue (their wait counts against their timeout) rather than failing at once, so that a
 * burst or a fan-out wider than the limit is smoothed instead of refused; only past {@link
 * #waitQueueSize} waiting requests does a call fail at once as {@link Kind#BUSY}, shedding load
 * that could only time out. Redirects are never followed.
 */
public final class Upstream {

  private static final Logger LOG = System.getLogger(Upstream.class.getName());

  /** The largest body relayed; a longer one fails the call rather than the node's heap. */
  public static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

  private static final long BACKOFF_BASE_MS = 100;
  private static final long BACKOFF_CAP_MS = 2_000;

  /**
   * A failed call counts towards opening the circuit for this long; a success clears the count
   * anyway.
   */
  private static final long FAILURE_WINDOW_MS = 60_000;

  /** A full fan-out (up to 50 paths) may wait for an upstream limited to one request at a time. */
  private static final int MIN_WAIT_QUEUE = 50;

  private final UpstreamConfig config;
  private final String basePath;
  private final WebClient client;
  private final CircuitBreaker breaker;
  private final CappedBody body = new CappedBody(MAX_BODY_BYTES);

  private Upstream(UpstreamConfig config, WebClient client, CircuitBreaker breaker) {
    this.config = config;
    this.basePath = config.baseUrl().getRawPath();
    this.client = client;
    this.breaker = breaker;
  }

  /**
   * Call on the context that will use it (an HTTP verticle's): the client then closes with that
   * verticle.
   */
  public static Upstream create(Vertx vertx, UpstreamConfig config) {
    URI url = config.baseUrl();
    boolean https = url.getScheme().equalsIgnoreCase("https");
    int timeoutMs = (int) config.timeout().toMillis();
    WebClientOptions options =
        new WebClientOptions()
            .setDefaultHost(
                url.getHost().replaceAll("^\\[(.*)]$", "$1")) // an IPv6 literal, without brackets
            .setDefaultPort(url.getPort() != -1 ? url.getPort() : https ? 443 : 80)
            .setSsl(https)
            .setConnectTimeout(timeoutMs)
            // A redirect could lead anywhere; the client gets the 3xx instead.
            .setFollowRedirects(false)
            // Every HTTP verticle of a node gets the same config record, so they share one pool:
            // the limit holds per node. Nodes with other settings (tests run several in one Vert.x)
            // get pools of their own.
            .setShared(true)
            .setName("offload-upstream " + config);
    PoolOptions pool =
        new PoolOptions()
            .setHttp1MaxSize(config.maxConcurrency())
            .setMaxWaitQueueSize(waitQueueSize(config));
    CircuitBreaker breaker =
        CircuitBreaker.create(
                "upstream " + config.name(),
                vertx,
                new CircuitBreakerOptions()
                    .setMaxFailures(config.breakerFailures())
                    .setResetTimeout(config.breakerReset().toMillis())
                    .setTimeout(timeoutMs)
                    .setMaxRetries(config.retries())
                    .setFailuresRollingWindow(FAILURE_WINDOW_MS))
            .retryPolicy(RetryPolicy.exponentialDelayWithJitter(BACKOFF_BASE_MS, BACKOFF_CAP_MS));
    breaker.openHandler(
        ignored ->
            LOG.log(
                Level.WARNING,
                "upstream "
                    + config.name()
                    + ": circuit open after "
                    + config.breakerFailures()
                    + " failures; testing again in "
                    + Durations.format(config.breakerReset())));
    breaker.closeHandler(
        ignored -> LOG.log(Level.INFO, "upstream " + config.name() + ": circuit closed"));
    return new Upstream(config, WebClient.create(vertx, options, pool), breaker);
  }

  /**
   * How many requests may wait for a connection before further ones fail at once as {@link
   * Kind#BUSY}.
   */
  public int waitQueueSize() {
    return waitQueueSize(config);
  }

  private static int waitQueueSize(UpstreamConfig config) {
    return Math.max(MIN_WAIT_QUEUE, 4 * config.maxConcurrency());
  }

  public String name() {
    return config.name();
  }

  public CircuitBreakerState circuitState() {
    return breaker.state();
  }

  /** Fails with {@link UpstreamFailure} only; any answer below 500 succeeds. */
  public Future<UpstreamResponse> get(UpstreamPath path) {
    AtomicInteger attempts = new AtomicInteger();
    return breaker
        .<Settled>execute(() -> attempt(path, attempts))
        .transform(
            done ->
                done.succeeded()
                    ? done.result().toFuture()
                    : Future.failedFuture(failure(done.cause(), attempts.get())));
  }

  /** For an upstream made outside a verticle; a verticle's closes with it. */
  public void close() {
    breaker.close();
    client.close();
  }

  /**
   * One GET. A failed future is what the breaker retries and counts; an outcome that another
   * attempt cannot change (an answer below 500, a full queue, a body too large) succeeds as a
   * {@link Settled}.
   */
  private Future<Settled> attempt(UpstreamPath path, AtomicInteger attempts) {
    attempts.incrementAndGet();
    long timeoutMs = config.timeout().toMillis();
    return client
        .get(basePath + path.uri())
        // Waiting for a pooled connection, and silence once connected, end by themselves too, so
        // that an attempt the breaker has given up on does not hold its place in the pool.
        .connectTimeout(timeoutMs)
        .idleTimeout(timeoutMs)
        .as(body)
        .send()
        .transform(this::settle);
  }

  private Future<Settled> settle(AsyncResult<HttpResponse<Buffer>> done) {
    if (done.succeeded()) {
      HttpResponse<Buffer> response = done.result();
      return response.statusCode() >= 500
          ? Future.failedFuture(new ServerError(response.statusCode()))
          : Future.succeededFuture(
              new Settled(
                  new UpstreamResponse(
                      response.statusCode(), response.getHeader("content-type"), response.body()),
                  null));
    }
    if (done.cause() instanceof ConnectionPoolTooBusyException) {
      return Future.succeededFuture(
          new Settled(
              null,
              failed(
                  Kind.BUSY,
                  "max_concurrency ("
                      + config.maxConcurrency()
                      + ") reached and "
                      + waitQueueSize()
                      + " requests waiting; try again shortly")));
    }
    if (done.cause() instanceof CappedBody.TooLarge) {
      return Future.succeededFuture(
          new Settled(
              null,
              failed(
                  Kind.FAILED, "response body over " + MAX_BODY_BYTES / (1024 * 1024) + " MiB")));
    }
    return Future.failedFuture(done.cause());
  }

  private UpstreamFailure failure(Throwable cause, int attempts) {
    String tries = " (" + attempts + (attempts == 1 ? " attempt)" : " attempts)");
    if (cause instanceof OpenCircuitException) {
      return failed(Kind.FAILED, "circuit open after " + config.breakerFailures() + " failures");
    }
    // The breaker's timer or the client's own timeouts, whichever fired first.
    if (cause instanceof io.vertx.circuitbreaker.TimeoutException
        || cause instanceof TimeoutException) {
      return failed(Kind.TIMEOUT, "no answer within " + Durations.format(config.timeout()) + tries);
    }
    if (cause instanceof ServerError serverError) {
      return failed(Kind.FAILED, "answered " + serverError.status + tries);
    }
    return failed(Kind.FAILED, connectionError(cause) + tries);
  }

  /** Not the exception's message: it would show the upstream's address to the client. */
  private static String connectionError(Throwable cause) {
    if (cause instanceof HttpClosedException) {
      return "connection closed by the upstream";
    }
    if (cause instanceof ConnectException) {
      return "connection refused";
    }
    if (cause instanceof UnknownHostException) {
      return "unknown host";
    }
    return "connection failed";
  }

  private UpstreamFailure failed(Kind kind, String reason) {
    return new UpstreamFailure(kind, "upstream " + config.name() + ": " + reason);
  }

  /** An attempt's outcome that is final: a response, or a failure no retry can mend. */
  private record Settled(UpstreamResponse response, UpstreamFailure failure) {

    Future<UpstreamResponse> toFuture() {
      return failure == null ? Future.succeededFuture(response) : Future.failedFuture(failure);
    }
  }

  /** A 5xx: the upstream is in trouble, so the attempt failed (and may be retried). */
  private static final class ServerError extends VertxException {

    private static final long serialVersionUID = 1L;

    private final int status;

    ServerError(int status) {
      super("answered " + status, true);
      this.status = status;
    }
  }
}
