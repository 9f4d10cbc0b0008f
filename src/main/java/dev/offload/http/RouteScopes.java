package dev.offload.http;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import dev.offload.config.Scope;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Optional;

/**
 * The scope each route needs once any token is configured: the one place that decides it
 * (docs/api.md shows the same table). Every route a node mounts must be listed here, or the node
 * does not start ({@link #checkEveryRouteIsListed}), so a new route cannot be left open by
 * forgetting it. A request that no route serves (it ends in a 404 or 405) needs {@code read} if it
 * only reads, else {@code submit}.
 */
final class RouteScopes {

  /**
   * A route as mounted: method and path, {@code :name} for a parameter, a trailing {@code /*} for a
   * prefix; a null method stands for every method. A null scope: open to anyone.
   */
  private record Rule(HttpMethod method, String path, Scope scope) {

    boolean matches(HttpMethod requestMethod, String requestPath) {
      return (method == null || method.equals(requestMethod))
          && PathTemplate.matches(path, requestPath);
    }
  }

  /** First match wins. */
  private static final List<Rule> RULES =
      List.of(
          // Probes (a load balancer, Kubernetes) carry no token.
          new Rule(GET, "/health", null),
          new Rule(GET, "/ready", null),
          // The API's description: the same for every deployment, and a browser showing the page
          // could not send a token with it (ApiDocsRoutes).
          new Rule(GET, "/openapi.json", null),
          new Rule(GET, "/openapi.yaml", null),
          new Rule(GET, "/docs", null),
          new Rule(GET, "/docs/*", null),
          // The dashboard's page and files: the same for every deployment; its data comes from the
          // routes below, with the token the page asks for (DashboardRoutes).
          new Rule(GET, "/", null),
          new Rule(GET, "/ui/*", null),
          new Rule(GET, "/metrics", Scope.METRICS),
          new Rule(GET, "/async-task", Scope.READ),
          new Rule(GET, "/sync-task", Scope.READ),
          new Rule(GET, "/tasks", Scope.READ),
          new Rule(GET, "/tasks/:id", Scope.READ),
          new Rule(GET, "/tasks/:id/result", Scope.READ),
          new Rule(POST, "/tasks", Scope.SUBMIT),
          new Rule(POST, "/tasks/batch", Scope.SUBMIT),
          new Rule(POST, "/tasks/:id/cancel", Scope.SUBMIT),
          new Rule(POST, "/tasks/:id/retry", Scope.SUBMIT),
          new Rule(POST, "/users/import", Scope.SUBMIT),
          new Rule(POST, "/images/thumbnail", Scope.SUBMIT),
          new Rule(GET, "/users", Scope.READ),
          new Rule(GET, "/users/:id", Scope.READ),
          new Rule(POST, "/users", Scope.SUBMIT),
          new Rule(PATCH, "/users/:id", Scope.SUBMIT),
          new Rule(DELETE, "/users/:id", Scope.SUBMIT),
          new Rule(GET, "/fetch-data/:upstream", Scope.READ),
          new Rule(GET, "/fetch-data/:upstream/*", Scope.READ),
          // Remote workers (docs/workers.md); what they are and run is for readers to see.
          new Rule(GET, "/workers", Scope.READ),
          new Rule(GET, "/kinds", Scope.READ),
          new Rule(POST, "/workers", Scope.WORK),
          new Rule(DELETE, "/workers/:id", Scope.WORK),
          new Rule(POST, "/workers/:id/claim", Scope.WORK),
          new Rule(POST, "/workers/:id/heartbeat", Scope.WORK),
          new Rule(POST, "/workers/:id/progress", Scope.WORK),
          new Rule(POST, "/workers/:id/complete", Scope.WORK),
          new Rule(POST, "/workers/:id/fail", Scope.WORK),
          new Rule(POST, "/workers/:id/release", Scope.WORK),
          new Rule(POST, "/workers/:id/outcomes", Scope.WORK),
          // Any other worker path: a worker's token needs nothing else.
          new Rule(null, "/workers/*", Scope.WORK),
          new Rule(GET, "/tasks/:id/events", Scope.READ),
          new Rule(GET, "/events", Scope.READ),
          new Rule(POST, "/tasks/cancel", Scope.SUBMIT),
          new Rule(POST, "/tasks/retry", Scope.SUBMIT),
          new Rule(DELETE, "/tasks/:id", Scope.SUBMIT),
          new Rule(GET, "/queues", Scope.READ),
          new Rule(POST, "/queues/:queue/pause", Scope.ADMIN),
          new Rule(POST, "/queues/:queue/resume", Scope.ADMIN),
          new Rule(GET, "/stats", Scope.READ),
          new Rule(GET, "/stats/series", Scope.READ),
          new Rule(GET, "/admin/nodes", Scope.ADMIN),
          new Rule(PUT, "/admin/nodes/:node/workers", Scope.ADMIN),
          // Any other admin path too, so that no request there is judged by the fallback.
          new Rule(null, "/admin/*", Scope.ADMIN));

  /**
   * The routes that also take the token as {@code ?access_token=}, when no {@code Authorization}
   * header is sent: the event streams only, which a browser's {@code EventSource} opens without
   * headers of its own (the dashboard). Nowhere else, so that tokens stay out of other URLs.
   */
  private static final List<String> QUERY_TOKEN_PATHS = List.of("/events", "/tasks/:id/events");

  private RouteScopes() {}

  /** Whether the request may carry its token as {@code ?access_token=}. */
  static boolean takesQueryToken(HttpMethod method, String path) {
    return method == GET
        && QUERY_TOKEN_PATHS.stream().anyMatch(route -> PathTemplate.matches(route, path));
  }

  /**
   * The scope a request needs, or empty if it is open to anyone.
   *
   * @param path the normalised path, as the router matches it (dot segments resolved)
   */
  static Optional<Scope> needed(HttpMethod method, String path) {
    for (Rule rule : RULES) {
      if (rule.matches(method, path)) {
        return Optional.ofNullable(rule.scope());
      }
    }
    boolean reads = method == GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS;
    return Optional.of(reads ? Scope.READ : Scope.SUBMIT);
  }

  /**
   * Fails, naming the route, if {@code router} has a route (with a method and a path) that is not
   * listed here as mounted.
   */
  static void checkEveryRouteIsListed(Router router) {
    for (Route route : router.getRoutes()) {
      if (route.methods() == null || route.getPath() == null) {
        continue; // handlers on every method or a regular expression: they serve no endpoint
      }
      String path = route.getPath() + (route.isExactPath() ? "" : "*");
      for (HttpMethod method : route.methods()) {
        if (RULES.stream()
            .noneMatch(rule -> method.equals(rule.method()) && path.equals(rule.path()))) {
          throw new IllegalStateException(
              "route " + method + " " + path + " has no scope: add it to RouteScopes");
        }
      }
    }
  }
}
