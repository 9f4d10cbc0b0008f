package dev.offload.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CORS for the configured browser origins (Vert.x Web's {@link CorsHandler}): their preflights are
 * answered before any token is asked for, and their requests get the headers that let a page read
 * the answer. A request from any other origin goes on without CORS headers, so the browser keeps
 * its page from reading the answer; it is not refused, because a same-origin POST carries an {@code
 * Origin} too, and CorsHandler alone would refuse it with a 403. Mount it before the token check.
 */
final class CrossOrigin implements Handler<RoutingContext> {

  private final Set<String> origins;
  private final CorsHandler cors;

  /**
   * @param origins as {@code ConfigValues#origins} normalised them: lowercase, no default port
   */
  CrossOrigin(List<String> origins) {
    this.origins = Set.copyOf(origins);
    this.cors =
        CorsHandler.create()
            .addOrigins(origins)
            .allowedMethods(
                Set.of(
                    HttpMethod.GET,
                    HttpMethod.HEAD,
                    HttpMethod.POST,
                    HttpMethod.PUT,
                    HttpMethod.PATCH,
                    HttpMethod.DELETE))
            .allowedHeaders(
                Set.of(
                    "authorization",
                    "content-type",
                    "idempotency-key",
                    "x-request-id",
                    "traceparent"))
            .exposedHeaders(
                Set.of(
                    "location", "www-authenticate", "allow", "content-disposition", "x-request-id"))
            // Tokens travel in a header a page sets itself, never in cookies.
            .allowCredentials(false)
            .maxAgeSeconds(600);
  }

  @Override
  public void handle(RoutingContext ctx) {
    // An answer depends on the Origin: a cache must not hand one origin's answer to another.
    ctx.response().headers().add(HttpHeaders.VARY, HttpHeaders.ORIGIN);
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    if (origin == null || origins.contains(origin.toLowerCase(Locale.ROOT))) {
      cors.handle(ctx);
    } else {
      ctx.next();
    }
  }
}
