package dev.offload.http;

import dev.offload.api.ApiError;
import dev.offload.api.RequireDatabase;
import dev.offload.support.DatabaseErrors;
import dev.offload.support.LogFields;
import dev.offload.task.IdempotencyConflictException;
import dev.offload.task.InvalidTaskException;
import dev.offload.users.InvalidUserException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Renders every failure as {@code {"error": {"code", "message"}}}: the client's mistakes as 4xx, a
 * node at capacity and an unreachable database as 503 with {@code Retry-After}, an upstream's
 * failure as the 502/503/504 its route chose, anything else as a 500 that is logged once with its
 * stack trace and request id, and never shown to the client. Every answer carries the request's
 * {@code X-Request-Id}.
 */
final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = System.getLogger(FailureHandler.class.getName());
  static final String DEFAULT_RETRY_AFTER_SECONDS = "1";

  private final int bodyLimit;
  private final RouteTemplates routes;
  private final String databaseRetryAfterSeconds;

  /**
   * @param routes the router's endpoints: which methods a path allows (the {@code Allow} header of
   *     a 405)
   * @param databaseRetry how often the node tries the database again while it is away: the {@code
   *     Retry-After} of a 503 {@code database_unavailable}, in whole seconds, at least 1
   */
  FailureHandler(int bodyLimit, RouteTemplates routes, Duration databaseRetry) {
    this.bodyLimit = bodyLimit;
    this.routes = routes;
    this.databaseRetryAfterSeconds =
        String.valueOf(Math.max(1, (databaseRetry.toMillis() + 999) / 1_000));
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure != null && ClientFaults.isGone(failure)) {
      LogFields.request(RequestIds.of(ctx))
          .run(() -> ClientFaults.log(describe(ctx) + ": the client went away", failure));
      return;
    }
    if (failure != null && ClientFaults.isMalformed(failure)) {
      LogFields.request(RequestIds.of(ctx))
          .run(() -> ClientFaults.log(describe(ctx) + ": malformed body", failure));
      // What follows the bad framing cannot be trusted to start the next request.
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      ctx.addEndHandler(ended -> ctx.request().connection().close());
      render(ctx, ApiError.badRequest("bad_request", "the request body is not valid HTTP framing"));
      return;
    }
    render(ctx, toApiError(ctx));
  }

  private static String describe(RoutingContext ctx) {
    return ctx.request().method() + " " + ctx.request().path();
  }

  /**
   * For {@code Router#errorHandler(404)} and {@code (405)}: a path that some route serves with
   * other methods is a 405 with {@code Allow}, even when a route for every method (the token check,
   * say) had matched it first and the router said 404.
   */
  void notFoundOrNotAllowed(RoutingContext ctx) {
    String allowed = allowedMethods(ctx.request().path());
    // A route that takes this method and still found nothing (a file missing under a prefix, say)
    // is a 404 too.
    boolean methodServed =
        Arrays.asList(allowed.split(", ")).contains(ctx.request().method().name());
    if (allowed.isEmpty() || methodServed) {
      render(ctx, new ApiError(404, "not_found", "no route for " + ctx.request().path()));
      return;
    }
    ctx.response().putHeader(HttpHeaders.ALLOW, allowed);
    render(
        ctx,
        new ApiError(
            405,
            "method_not_allowed",
            ctx.request().method()
                + " is not allowed on "
                + ctx.request().path()
                + " (allowed: "
                + allowed
                + ")"));
  }

  /** The methods of the endpoints whose template matches {@code path}, as an Allow header. */
  private String allowedMethods(String path) {
    return routes
        .endpointsMatching(path)
        .flatMap(route -> route.methods().stream())
        .map(HttpMethod::name)
        .distinct()
        .sorted()
        .collect(Collectors.joining(", "));
  }

  /**
   * For {@code Router#errorHandler(400)}: a request whose path cannot be decoded fails before any
   * route matches, and its context carries neither the status nor the failure.
   */
  void badRequest(RoutingContext ctx) {
    render(ctx, ApiError.badRequest("bad_request", "the request is malformed"));
  }

  private void render(RoutingContext ctx, ApiError error) {
    // Also puts the id on the response of a request that failed before the router's handlers ran.
    String requestId = RequestIds.of(ctx);
    // Only a 500 is our bug; a 502/503/504 reports someone else's outage, which would flood the
    // log.
    if (error.status() == 500) {
      LogFields.request(requestId)
          .run(() -> LOG.log(Level.ERROR, describe(ctx) + " failed", ctx.failure()));
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    if (error.status() == 503 && !ctx.response().headers().contains(HttpHeaders.RETRY_AFTER)) {
      // Every 503 is a passing state (the database away, a queue full): say when to come back,
      // so that clients pace their retries instead of hammering a node that is recovering.
      ctx.response()
          .putHeader(
              HttpHeaders.RETRY_AFTER,
              error.code().equals(RequireDatabase.UNAVAILABLE)
                  ? databaseRetryAfterSeconds
                  : DEFAULT_RETRY_AFTER_SECONDS);
    }
    ctx.response()
        .setStatusCode(error.status())
        .putHeader("content-type", "application/json")
        .end(error.body());
  }

  private ApiError toApiError(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiError apiError) {
      return apiError;
    }
    if (failure instanceof InvalidTaskException invalid) {
      int status = InvalidTaskException.PAYLOAD_TOO_LARGE.equals(invalid.code()) ? 413 : 400;
      return new ApiError(status, invalid.code(), invalid.getMessage());
    }
    if (failure instanceof IdempotencyConflictException conflict) {
      return new ApiError(409, "idempotency_conflict", conflict.getMessage());
    }
    if (failure instanceof InvalidUserException invalid) {
      return ApiError.badRequest(invalid.code(), invalid.getMessage());
    }
    if (failure instanceof PgException pg
        && pg.getSqlState() != null
        && pg.getSqlState().startsWith("22")) {
      // Class 22, data exception: a value from the request that PostgreSQL cannot store.
      return ApiError.badRequest("invalid_input", "a value in the request cannot be stored");
    }
    if (failure != null && DatabaseErrors.isOverloaded(failure)) {
      return new ApiError(503, "overloaded", "the node is at capacity; try again shortly");
    }
    if (failure != null && DatabaseErrors.isUnavailable(failure)) {
      return new ApiError(
          503, RequireDatabase.UNAVAILABLE, "the database is unreachable; try again shortly");
    }
    return switch (ctx.statusCode()) {
      case 400 -> ApiError.badRequest("bad_request", "the request is malformed");
      case 404 -> new ApiError(404, "not_found", "no route for " + ctx.request().path());
      case 413 ->
          new ApiError(413, "body_too_large", "the request body exceeds " + bodyLimit + " bytes");
      case 415 -> new ApiError(415, "unsupported_media_type", "send the body as application/json");
      default ->
          ctx.statusCode() >= 400 && ctx.statusCode() < 500
              ? new ApiError(ctx.statusCode(), "bad_request", "the request was rejected")
              : new ApiError(500, "internal_error", "internal error; it has been logged");
    };
  }
}
