package dev.offload.http;

import dev.offload.api.ApiError;
import dev.offload.metrics.HttpRequestMetrics;
import dev.offload.submit.TaskSubmitter;
import dev.offload.support.OverloadedException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses the submissions ({@code POST /tasks}, {@code POST /tasks/batch}) an HTTP verticle cannot
 * take in time, with {@code 503 overloaded} and {@code Retry-After}: beyond the share its event
 * loop can serve in time ({@link AdmissionControl}), and, for single submissions, when its
 * submission group is full.
 *
 * <p>Refusing must cost far less than accepting, or a node offered several times what it sustains
 * spends its CPU on refusals, and every answer, the refusals too, comes later and later. So {@link
 * #shedEarly} answers before the router, with a response made once: no routing, no token check, no
 * body read. That leaves out a request whose answer the router must shape: one with an {@code
 * Origin} (its 503 needs the CORS headers), which {@link #shed}, a route handler, refuses instead;
 * and one on a health-only connection, which the connection guard refuses in the router anyway.
 */
final class SubmissionShedder {

  private static final String SINGLE = "/tasks";
  private static final String BATCH = "/tasks/batch";
  private static final String MESSAGE = "the node is at capacity; try again shortly";
  private static final Buffer REFUSAL =
      Buffer.buffer(new ApiError(503, "overloaded", MESSAGE).body());
  private static final String REFUSAL_LENGTH = String.valueOf(REFUSAL.length());

  private final TaskSubmitter submitter;
  private final AdmissionControl admission;
  private final ConnectionGuard guard;
  private final HttpRequestMetrics metrics;

  SubmissionShedder(
      TaskSubmitter submitter,
      AdmissionControl admission,
      ConnectionGuard guard,
      HttpRequestMetrics metrics) {
    this.submitter = submitter;
    this.admission = admission;
    this.guard = guard;
    this.metrics = metrics;
  }

  /**
   * Answers {@code request} with the refusal if it is a submission to refuse; false otherwise. The
   * decision is taken once per submission: here, or, for one with an {@code Origin}, by {@link
   * #shed}.
   */
  boolean shedEarly(HttpServerRequest request) {
    admission.requestArrived();
    if (request.method() != HttpMethod.POST
        || hasOrigin(request)
        || !refuses(request.path())
        || !guard.answeredAtOnce(request)) {
      return false;
    }
    long start = System.nanoTime();
    RequestIds.assign(request);
    request
        .response()
        .setStatusCode(503)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONTENT_LENGTH, REFUSAL_LENGTH)
        .putHeader(HttpHeaders.RETRY_AFTER, FailureHandler.DEFAULT_RETRY_AFTER_SECONDS)
        .end(REFUSAL);
    metrics.record(request.path(), HttpMethod.POST, 503, System.nanoTime() - start);
    return true;
  }

  /**
   * Refuses in the router the submissions {@link #shedEarly} left to it: before the routes that
   * read their bodies (Vert.x lets no handler of ours run before a route's BodyHandler).
   */
  void mount(Router router) {
    router.post(SINGLE).handler(this::shed);
    router.post(BATCH).handler(this::shed);
  }

  private void shed(RoutingContext ctx) {
    if (hasOrigin(ctx.request()) && refuses(ctx.request().path())) {
      ctx.fail(new OverloadedException(MESSAGE));
    } else {
      ctx.next();
    }
  }

  private static boolean hasOrigin(HttpServerRequest request) {
    return request.headers().contains(HttpHeaders.ORIGIN);
  }

  private boolean refuses(String path) {
    boolean single = SINGLE.equals(path);
    if (!single && !BATCH.equals(path)) {
      return false;
    }
    return (single && submitter.full()) || !admission.admitsOne();
  }
}
