package dev.offload.http;

import dev.offload.api.ApiError;
import dev.offload.config.ApiTokens;
import dev.offload.config.ApiTokens.Token;
import dev.offload.config.Scope;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Optional;

/**
 * Requires {@code Authorization: Bearer <token>} with the scope {@link RouteScopes} names for the
 * request, once any token is configured: 401 without a known token, 403 {@code forbidden} naming
 * the scope a known token lacks. The challenges follow RFC 6750 ({@code error="invalid_token"},
 * {@code error="insufficient_scope"}).
 */
final class BearerToken implements Handler<RoutingContext> {

  private static final String SCHEME = "bearer";

  /** The event streams' alternative to the header: {@link RouteScopes#takesQueryToken}. */
  static final String QUERY_PARAMETER = "access_token";

  private final ApiTokens tokens;

  private BearerToken(ApiTokens tokens) {
    this.tokens = tokens;
  }

  /** Lets every request through when no token is configured. */
  static Handler<RoutingContext> create(ApiTokens tokens) {
    return tokens.isEmpty() ? RoutingContext::next : new BearerToken(tokens);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path;
    try {
      path = ctx.normalizedPath();
    } catch (IllegalArgumentException malformed) {
      // A broken %-escape: no route can match it, and deciding a scope needs the path.
      ctx.fail(ApiError.badRequest("bad_request", "the request path has a malformed %-escape"));
      return;
    }
    Optional<Scope> needed = RouteScopes.needed(ctx.request().method(), path);
    if (needed.isEmpty()) {
      ctx.next();
      return;
    }
    Optional<String> given = credentials(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    if (given.isEmpty() && RouteScopes.takesQueryToken(ctx.request().method(), path)) {
      given = queryToken(ctx);
    }
    if (given.isEmpty()) {
      refuse(
          ctx,
          "Bearer",
          new ApiError(
              401,
              "unauthorized",
              "this route needs the header Authorization: Bearer <token>"
                  + (RouteScopes.takesQueryToken(ctx.request().method(), path)
                      ? " (or ?access_token=<token>)"
                      : "")));
      return;
    }
    Optional<Token> token = tokens.find(given.get());
    if (token.isEmpty()) {
      refuse(
          ctx,
          "Bearer error=\"invalid_token\"",
          new ApiError(401, "unauthorized", "the bearer token is not one this node accepts"));
      return;
    }
    Scope scope = needed.get();
    if (!token.get().has(scope)) {
      refuse(
          ctx,
          "Bearer error=\"insufficient_scope\", scope=\"" + scope.wireName() + "\"",
          new ApiError(
              403,
              "forbidden",
              "this route needs a token with the scope '"
                  + scope.wireName()
                  + "'; the token '"
                  + token.get().name()
                  + "' does not have it"));
      return;
    }
    ctx.next();
  }

  /** The token of a {@code Bearer} header, the scheme in any case (RFC 7235); else empty. */
  private static Optional<String> credentials(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String trimmed = header.trim();
    int space = trimmed.indexOf(' ');
    if (space < 0 || !trimmed.substring(0, space).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      return Optional.empty();
    }
    String token = trimmed.substring(space + 1).trim();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /**
   * The {@code access_token} query parameter (RFC 6750, 2.3), for the routes that take it; else
   * empty. A query that cannot be decoded carries no token.
   */
  private static Optional<String> queryToken(RoutingContext ctx) {
    String token;
    try {
      token = ctx.queryParams().get(QUERY_PARAMETER);
    } catch (IllegalArgumentException malformed) {
      return Optional.empty();
    }
    return token == null || token.isBlank() ? Optional.empty() : Optional.of(token.trim());
  }

  private static void refuse(RoutingContext ctx, String challenge, ApiError error) {
    ctx.response().putHeader("www-authenticate", challenge);
    ctx.fail(error);
  }
}
