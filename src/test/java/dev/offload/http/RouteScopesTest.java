package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.offload.config.Scope;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The table's lookups and its guard; {@link TokenScopesTest} checks every route over HTTP. */
class RouteScopesTest {

  private static final Vertx vertx = Vertx.vertx();

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @Test
  void a_mounted_route_missing_from_the_table_stops_the_node() {
    Router router = Router.router(vertx);
    router.get("/tasks/:id").handler(ctx -> ctx.end());
    router.route().handler(ctx -> ctx.end());
    assertDoesNotThrow(() -> RouteScopes.checkEveryRouteIsListed(router));

    router.post("/tasks/:id/pause").handler(ctx -> ctx.end());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> RouteScopes.checkEveryRouteIsListed(router));
    assertEquals("route POST /tasks/:id/pause has no scope: add it to RouteScopes", e.getMessage());
  }

  @Test
  void a_prefix_route_is_listed_with_its_star() {
    Router router = Router.router(vertx);
    router.get("/fetch-data/:upstream/*").handler(ctx -> ctx.end());
    assertDoesNotThrow(() -> RouteScopes.checkEveryRouteIsListed(router));
  }

  @Test
  void probes_are_open_and_a_path_without_a_route_needs_read_or_submit() {
    assertEquals(Optional.empty(), RouteScopes.needed(HttpMethod.GET, "/health"));
    assertEquals(Optional.empty(), RouteScopes.needed(HttpMethod.GET, "/ready"));
    assertEquals(Optional.of(Scope.READ), RouteScopes.needed(HttpMethod.HEAD, "/health"));
    assertEquals(Optional.of(Scope.READ), RouteScopes.needed(HttpMethod.GET, "/nothing"));
    assertEquals(Optional.of(Scope.SUBMIT), RouteScopes.needed(HttpMethod.POST, "/health"));
    assertEquals(Optional.of(Scope.ADMIN), RouteScopes.needed(HttpMethod.GET, "/admin"));
    assertEquals(Optional.of(Scope.ADMIN), RouteScopes.needed(HttpMethod.POST, "/admin/x/y"));
    assertEquals(Optional.of(Scope.READ), RouteScopes.needed(HttpMethod.GET, "/administrator"));
  }
}
