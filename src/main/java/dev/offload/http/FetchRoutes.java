package dev.offload.http;

import dev.offload.api.ApiError;
import dev.offload.upstream.Upstream;
import dev.offload.upstream.UpstreamFailure;
import dev.offload.upstream.UpstreamPath;
import dev.offload.upstream.UpstreamResponse;
import dev.offload.upstream.Upstreams;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The seeds' {@code /fetch-data}, against configured upstreams only. {@code GET
 * /fetch-data/{upstream}/{path}} relays one GET: the upstream's status, content type and body.
 * {@code GET /fetch-data/{upstream}?paths=a,b,c} sends them all at once and answers 200 with one
 * result per path, in the order asked, failed ones included. A call that gets no answer is a 502
 * {@code upstream_failed}, 504 {@code upstream_timeout} or 503 {@code upstream_busy}, with a
 * message naming the upstream.
 */
final class FetchRoutes {

  static final int MAX_PATHS = 50;

  private final Upstreams upstreams;

  FetchRoutes(Upstreams upstreams) {
    this.upstreams = upstreams;
  }

  void mount(Router router) {
    router.get("/fetch-data/:upstream").handler(this::fanOut);
    router.get("/fetch-data/:upstream/*").handler(this::proxy);
  }

  private void proxy(RoutingContext ctx) {
    Upstream upstream = upstream(ctx);
    // The rest of the normalised request path, still percent-encoded, and the query as sent.
    String query = ctx.request().query();
    UpstreamPath path = path("path", ctx.pathParam("*") + (query == null ? "" : "?" + query));
    upstream
        .get(path)
        .onComplete(
            response -> {
              if (response.contentType() != null) {
                ctx.response().putHeader("content-type", response.contentType());
              }
              ctx.response().setStatusCode(response.status()).end(response.body());
            },
            failure ->
                ctx.fail(
                    failure instanceof UpstreamFailure upstreamFailure
                        ? apiError(upstreamFailure)
                        : failure));
  }

  private void fanOut(RoutingContext ctx) {
    Upstream upstream = upstream(ctx);
    List<String> asked = paths(ctx);
    List<UpstreamPath> paths =
        IntStream.range(0, asked.size())
            .mapToObj(i -> path("paths[" + i + "]", asked.get(i)))
            .toList();
    // All started at once; the upstream's own limit queues those beyond max_concurrency.
    List<Future<JsonObject>> results =
        IntStream.range(0, paths.size())
            .mapToObj(
                i ->
                    upstream
                        .get(paths.get(i))
                        .transform(
                            done ->
                                done.succeeded()
                                    ? Future.succeededFuture(result(asked.get(i), done.result()))
                                    : done.cause() instanceof UpstreamFailure failure
                                        ? Future.succeededFuture(
                                            result(asked.get(i), apiError(failure)))
                                        : Future.<JsonObject>failedFuture(done.cause())))
            .toList();
    Future.all(results)
        .onComplete(
            all ->
                ctx.json(
                    new JsonObject()
                        .put("upstream", upstream.name())
                        .put(
                            "results",
                            new JsonArray(results.stream().map(Future::result).toList()))),
            ctx::fail);
  }

  private Upstream upstream(RoutingContext ctx) {
    String name = ctx.pathParam("upstream");
    return upstreams
        .find(name)
        .orElseThrow(
            () ->
                new ApiError(
                    404, "upstream_not_found", "no upstream named '" + name + "' is configured"));
  }

  private static List<String> paths(RoutingContext ctx) {
    List<String> paths = new ArrayList<>();
    for (String value : ctx.queryParam("paths")) {
      paths.addAll(List.of(value.split(",", -1)));
    }
    if (paths.isEmpty() || paths.size() > MAX_PATHS) {
      throw ApiError.badRequest(
          "invalid_paths",
          "give 1 to "
              + MAX_PATHS
              + " comma-separated paths as ?paths=a,b,c,"
              + " or one path as /fetch-data/"
              + ctx.pathParam("upstream")
              + "/{path}");
    }
    return paths;
  }

  private static UpstreamPath path(String field, String text) {
    if (text.isBlank()) {
      throw ApiError.badRequest("invalid_path", field + " is empty");
    }
    try {
      return UpstreamPath.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("invalid_path", field + " " + e.getMessage());
    }
  }

  private static ApiError apiError(UpstreamFailure failure) {
    return switch (failure.kind()) {
      case FAILED -> new ApiError(502, "upstream_failed", failure.getMessage());
      case TIMEOUT -> new ApiError(504, "upstream_timeout", failure.getMessage());
      case BUSY -> new ApiError(503, "upstream_busy", failure.getMessage());
    };
  }

  private static JsonObject result(String path, UpstreamResponse response) {
    return new JsonObject()
        .put("path", path)
        .put("status", response.status())
        .put("body", body(response))
        .putNull("error");
  }

  private static JsonObject result(String path, ApiError error) {
    return new JsonObject()
        .put("path", path)
        .put("status", error.status())
        .putNull("body")
        .put("error", error.getMessage());
  }

  /** JSON when the upstream says it sent JSON and it parses, else the body as text. */
  private static Object body(UpstreamResponse response) {
    String type =
        response.contentType() == null
            ? ""
            : response.contentType().split(";")[0].trim().toLowerCase();
    if (type.equals("application/json") || type.endsWith("+json")) {
      try {
        return Json.decodeValue(response.body());
      } catch (DecodeException e) {
        // Mislabelled: shown as the text it is.
      }
    }
    return response.body().toString(StandardCharsets.UTF_8);
  }
}
