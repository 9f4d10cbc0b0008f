package dev.offload.http;

import dev.offload.api.ApiError;
import dev.offload.support.DatabaseErrors;
import dev.offload.task.InvalidTaskException;
import dev.offload.users.InvalidUserException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.stream.Collectors;

/**
 * Renders every failure as {@code {"error": {"code", "message"}}}: the client's mistakes as 4xx, a
 * node at capacity and an unreachable database as 503, an upstream's failure as the 502/503/504 its
 * route chose, anything else as a 500 that is logged once with its stack trace and never shown to
 * the client.
 */
final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = System.getLogger(FailureHandler.class.getName());
  private static final String RETRY_AFTER_SECONDS = "1";

  private final int bodyLimit;
  private final Router router;

  /**
   * @param router whose routes say which methods a path allows (the {@code Allow} header of a 405)
   */
  FailureHandler(int bodyLimit, Router router) {
    this.bodyLimit = bodyLimit;
    this.router = router;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure != null && ClientFaults.isGone(failure)) {
      ClientFaults.log(describe(ctx) + ": the client went away", failure);
      return;
    }
    if (failure != null && ClientFaults.isMalformed(failure)) {
      ClientFaults.log(describe(ctx) + ": malformed body", failure);
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
    if (allowed.isEmpty()) {
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

  /**
   * The methods of the routes whose path template matches {@code path}, as an Allow header. Routes
   * for every method (no methods set: null) say nothing about a path; those made from a regular
   * expression have no template (a null path), and none of ours is.
   */
  private String allowedMethods(String path) {
    if (path == null) {
      return "";
    }
    return router.getRoutes().stream()
        .filter(route -> route.methods() != null)
        .filter(route -> route.getPath() != null && matches(route.getPath(), path))
        .flatMap(route -> route.methods().stream())
        .map(HttpMethod::name)
        .distinct()
        .sorted()
        .collect(Collectors.joining(", "));
  }

  /** Whether {@code path} fits {@code template}, whose {@code :name} segments match any segment. */
  private static boolean matches(String template, String path) {
    String[] expected = template.split("/", -1);
    String[] actual = path.split("/", -1);
    if (expected.length != actual.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      boolean parameter = expected[i].startsWith(":") && !actual[i].isEmpty();
      if (!parameter && !expected[i].equals(actual[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * For {@code Router#errorHandler(400)}: a request whose path cannot be decoded fails before any
   * route matches, and its context carries neither the status nor the failure.
   */
  void badRequest(RoutingContext ctx) {
    render(ctx, ApiError.badRequest("bad_request", "the request is malformed"));
  }

  private void render(RoutingContext ctx, ApiError error) {
    // Only a 500 is our bug; a 502/503/504 reports someone else's outage, which would flood the
    // log.
    if (error.status() == 500) {
      LOG.log(Level.ERROR, describe(ctx) + " failed", ctx.failure());
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    if (error.status() == 503 && !ctx.response().headers().contains(HttpHeaders.RETRY_AFTER)) {
      // Every 503 is a passing state (the database away, a queue full): say when to come back,
      // so that clients pace their retries instead of hammering a node that is recovering.
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
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
      return ApiError.badRequest(invalid.code(), invalid.getMessage());
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
          503, "database_unavailable", "the database is unreachable; try again shortly");
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
