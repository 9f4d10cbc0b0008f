package dev.offload.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The API's description: {@code GET /openapi.json}, {@code GET /openapi.yaml}, and {@code GET
 * /docs}, a page that shows it with Redoc, whose script is served from the jar under {@code
 * /docs/}. Open to anyone ({@link RouteScopes}): the document says what any copy of Offload serves,
 * nothing of a deployment's data or settings, and a browser could not send a token with the page or
 * with the page's request for the document.
 */
final class ApiDocsRoutes {

  /** The page's files; a versioned folder, so they may be cached for good. */
  private static final String ASSETS = "openapi/docs";

  private final ApiDocument document;

  ApiDocsRoutes(ApiDocument document) {
    this.document = document;
  }

  void mount(Router router) {
    router.get("/openapi.json").handler(ctx -> send(ctx, "application/json", document.json()));
    router.get("/openapi.yaml").handler(ctx -> send(ctx, "application/yaml", document.yaml()));
    router.get("/docs").handler(ctx -> send(ctx, "text/html; charset=utf-8", document.page()));
    router.get("/docs/*").handler(StaticHandler.create(ASSETS));
  }

  private static void send(RoutingContext ctx, String contentType, Buffer body) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, contentType).end(body);
  }
}
