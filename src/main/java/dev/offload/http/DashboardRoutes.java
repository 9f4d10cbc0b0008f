package dev.offload.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The dashboard: {@code GET /}, a page whose ES modules, styles and vendored chart library are
 * served from the jar under {@code /ui/}. Open to anyone ({@link RouteScopes}), like {@code /docs}:
 * the files are the same for every deployment, and a browser cannot send a token for a page it is
 * asked to open. Every figure the page shows comes from the token-protected API, with the token the
 * page asks for.
 */
final class DashboardRoutes {

  private static final String ASSETS = "ui";
  private static final String PAGE = ASSETS + "/index.html";

  /**
   * Scripts, styles and API calls from this origin only, no framing (the page has buttons that
   * cancel tasks), and no inline script: data is written into the page as text, never as markup.
   */
  private static final String POLICY =
      "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  /** The versioned vendor folders may be cached for good; the dashboard's own files change. */
  private final StaticHandler vendor = StaticHandler.create(ASSETS);

  private final StaticHandler own = StaticHandler.create(ASSETS).setCachingEnabled(false);

  void mount(Router router) {
    router.get("/").handler(DashboardRoutes::page);
    router.get("/ui/*").handler(this::asset);
  }

  private static void page(RoutingContext ctx) {
    secure(ctx)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .sendFile(PAGE)
        .onFailure(ctx::fail);
  }

  private void asset(RoutingContext ctx) {
    secure(ctx);
    (ctx.normalizedPath().startsWith("/ui/vendor/") ? vendor : own).handle(ctx);
  }

  private static HttpServerResponse secure(RoutingContext ctx) {
    return ctx.response()
        .putHeader("content-security-policy", POLICY)
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("referrer-policy", "no-referrer");
  }
}
