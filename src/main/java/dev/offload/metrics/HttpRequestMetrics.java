package dev.offload.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Every request's route, method, status and duration: the timer {@code
 * offload_http_server_requests_seconds} (count, sum and max per route, method and status). The
 * route is the template of the endpoint that served it ({@code /tasks/:id}), never the raw path, so
 * that a client cannot grow the set of meters. It replaces Vert.x's own HTTP server metrics (see
 * {@link Metrics}), which look five meters up in the registry per request, building their tags each
 * time: that cost the cheapest routes about a fifth of their throughput. Here each timer is looked
 * up in plain maps and kept. One of the first handlers of a router; one instance per HTTP verticle,
 * confined to its event loop.
 */
public final class HttpRequestMetrics implements Handler<RoutingContext> {

  private static final int MAX_STATUS = 599;
  private static final String OTHER_METHOD = "OTHER";
  private static final Set<HttpMethod> KNOWN_METHODS = Set.copyOf(HttpMethod.values());

  private final MeterRegistry registry;
  private final Function<RoutingContext, String> routeOf;

  /** By route template, then method name, then status. */
  private final Map<String, Map<String, Timer[]>> timers = new HashMap<>();

  /**
   * @param routeOf the template of the route that served a request, read once its response ended
   */
  public HttpRequestMetrics(MeterRegistry registry, Function<RoutingContext, String> routeOf) {
    this.registry = registry;
    this.routeOf = routeOf;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    HttpMethod method = ctx.request().method();
    ctx.addEndHandler(
        ended ->
            record(
                routeOf.apply(ctx),
                method,
                ctx.response().getStatusCode(),
                System.nanoTime() - start));
    ctx.next();
  }

  /**
   * One request, answered by {@code route}'s template, for requests answered without the router.
   */
  public void record(String route, HttpMethod method, int status, long nanos) {
    // Known methods only: a made-up method in a request must not grow the set of meters.
    String methodName = KNOWN_METHODS.contains(method) ? method.name() : OTHER_METHOD;
    Timer[] byStatus =
        timers
            .computeIfAbsent(route, ignored -> new HashMap<>())
            .computeIfAbsent(methodName, ignored -> new Timer[MAX_STATUS + 1]);
    int code = status >= 100 && status <= MAX_STATUS ? status : 0;
    Timer timer = byStatus[code];
    if (timer == null) {
      timer =
          Timer.builder("offload.http.server.requests")
              .description(
                  "HTTP requests served, by route template, method and status, and how long they"
                      + " took")
              .tag("route", route)
              .tag("method", methodName)
              .tag("code", String.valueOf(code))
              .register(registry);
      byStatus[code] = timer;
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }
}
