package dev.offload.http;

import dev.offload.api.ApiError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Requires {@code Authorization: Bearer <token>}: on every state-changing request when a token is
 * configured ({@link #forChanges}), and on every admin request, which are off without a token
 * ({@link #forAdmin}).
 */
final class BearerToken implements Handler<RoutingContext> {

  private final byte[] expected;
  private final boolean readsToo;

  private BearerToken(String token, boolean readsToo) {
    this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.readsToo = readsToo;
  }

  /**
   * Checks POST, PUT, PATCH and DELETE requests; lets everything through when no token is
   * configured.
   */
  static Handler<RoutingContext> forChanges(String token) {
    return token.isEmpty() ? RoutingContext::next : new BearerToken(token, false);
  }

  /** Checks every request; refuses them all when no token is configured. */
  static Handler<RoutingContext> forAdmin(String token) {
    if (token.isEmpty()) {
      return ctx ->
          ctx.fail(
              new ApiError(
                  403,
                  "admin_disabled",
                  "admin routes are disabled: configure a token (OFFLOAD_API_TOKEN) to enable them"));
    }
    return new BearerToken(token, true);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (!readsToo
        && (method == HttpMethod.GET
            || method == HttpMethod.HEAD
            || method == HttpMethod.OPTIONS)) {
      ctx.next();
      return;
    }
    String given = ctx.request().getHeader("authorization");
    // Constant-time comparison: the time taken must not tell how much of a guess was right.
    if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
      ctx.response().putHeader("www-authenticate", "Bearer");
      ctx.fail(
          new ApiError(
              401, "unauthorized", "this route needs the header Authorization: Bearer <token>"));
      return;
    }
    ctx.next();
  }
}
