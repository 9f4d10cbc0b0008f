package dev.offload.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.stream.Stream;

/**
 * The route templates of a router's endpoints (routes with methods and a path, such as {@code GET
 * /tasks/:id}), and which one a request was for: the {@code route} label of the HTTP meters, and
 * the {@code Allow} header of a 405. A label is a template, never the raw path, so the label has
 * only as many values as the router has endpoints, and {@value #UNMATCHED} for every path none of
 * them matches.
 */
final class RouteTemplates {

  static final String UNMATCHED = "unmatched";

  private final Router router;

  RouteTemplates(Router router) {
    this.router = router;
  }

  /**
   * The template of the endpoint that served {@code ctx}: the route running when its response
   * ended; or, if that was a handler for every path (a failure handler, the token check), the
   * endpoint whose template matches the path, one for the request's method first.
   */
  String of(RoutingContext ctx) {
    Route current = ctx.currentRoute();
    if (current != null && current.methods() != null && current.getPath() != null) {
      return template(current);
    }
    HttpMethod method = ctx.request().method();
    String path = ctx.request().path();
    return endpointsMatching(path)
        .filter(route -> route.methods().contains(method))
        .findFirst()
        .or(() -> endpointsMatching(path).findFirst())
        .map(RouteTemplates::template)
        .orElse(UNMATCHED);
  }

  /**
   * The endpoints whose template matches {@code path}. Routes for every method (no methods set:
   * null) serve no endpoint; those made from a regular expression have no template (a null path),
   * and none of ours is.
   */
  Stream<Route> endpointsMatching(String path) {
    if (path == null) {
      return Stream.empty();
    }
    return router.getRoutes().stream()
        .filter(route -> route.methods() != null && route.getPath() != null)
        .filter(route -> PathTemplate.matches(template(route), path));
  }

  /** As the route was written: {@code /tasks/:id}, {@code /fetch-data/:upstream/*}. */
  private static String template(Route route) {
    return route.isExactPath() ? route.getPath() : route.getPath() + "*";
  }
}
