package dev.offload.testing;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving upstream on 127.0.0.1, port 0, for tests of upstream calls. Its routes:
 *
 * <ul>
 *   <li>{@code /json/{n}}: {@code {"n": n}} as JSON; {@code /text}: plain text
 *   <li>{@code /echo/...}: JSON with the path and query it received, as received
 *   <li>{@code /delay/{ms}}: JSON after that long
 *   <li>{@code /status/{code}}: that status, with a text body
 *   <li>{@code /reset}: closes the connection without answering
 *   <li>{@code /slow-body/{chunks}/{ms}}: a chunked text body, one 4-byte chunk every {@code ms}
 *   <li>{@code /big/{bytes}}: a body that long
 *   <li>{@code /redirect}: a 302 to another host
 *   <li>{@code /flaky/{k}/...}: 503 for the first {@code k} calls of that exact path, then JSON
 * </ul>
 *
 * It counts calls per path and the most requests it ever had in flight at once. Deploy it in the
 * test's Vert.x and point an upstream at {@link #baseUrl()}.
 */
public final class FakeUpstream extends VerticleBase {

  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile int port;

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(this::count);
    router
        .get("/json/:n")
        .handler(ctx -> json(ctx, new JsonObject().put("n", Integer.parseInt(ctx.pathParam("n")))));
    router
        .get("/text")
        .handler(ctx -> ctx.response().putHeader("content-type", "text/plain").end("plain text"));
    router
        .get("/echo/*")
        .handler(
            ctx ->
                json(
                    ctx,
                    new JsonObject()
                        .put("path", ctx.request().path())
                        .put("query", ctx.request().query())));
    router
        .get("/delay/:ms")
        .handler(
            ctx -> {
              long ms = Long.parseLong(ctx.pathParam("ms"));
              vertx.setTimer(ms, id -> json(ctx, new JsonObject().put("delayed_ms", ms)));
            });
    router
        .get("/status/:code")
        .handler(
            ctx ->
                ctx.response()
                    .setStatusCode(Integer.parseInt(ctx.pathParam("code")))
                    .putHeader("content-type", "text/plain")
                    .end("status"));
    router.get("/reset").handler(ctx -> ctx.request().connection().close());
    router.get("/slow-body/:chunks/:ms").handler(this::slowBody);
    router
        .get("/big/:bytes")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", "application/octet-stream")
                    .end(Buffer.buffer(new byte[Integer.parseInt(ctx.pathParam("bytes"))])));
    router
        .get("/redirect")
        .handler(
            ctx ->
                ctx.response()
                    .setStatusCode(302)
                    .putHeader("location", "http://elsewhere.invalid/")
                    .end("moved"));
    router
        .get("/flaky/:k/*")
        .handler(
            ctx -> {
              if (calls(ctx.request().path()) <= Integer.parseInt(ctx.pathParam("k"))) {
                ctx.response().setStatusCode(503).end("not yet");
              } else {
                json(ctx, new JsonObject().put("recovered", true));
              }
            });
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(0, "127.0.0.1")
        .onSuccess(server -> port = server.actualPort());
  }

  /** The base URL to configure an upstream with. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * How many requests reached {@code path} (as received, without query) since the last {@link
   * #reset()}.
   */
  public int calls(String path) {
    AtomicInteger count = calls.get(path);
    return count == null ? 0 : count.get();
  }

  public int totalCalls() {
    return calls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public int maxInFlight() {
    return maxInFlight.get();
  }

  public void reset() {
    calls.clear();
    maxInFlight.set(inFlight.get());
  }

  private void count(RoutingContext ctx) {
    calls.computeIfAbsent(ctx.request().path(), path -> new AtomicInteger()).incrementAndGet();
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    // Called once, whether the response ended or the connection was cut.
    ctx.addEndHandler(ended -> inFlight.decrementAndGet());
    ctx.next();
  }

  private void slowBody(RoutingContext ctx) {
    int chunks = Integer.parseInt(ctx.pathParam("chunks"));
    HttpServerResponse response =
        ctx.response().setChunked(true).putHeader("content-type", "text/plain");
    AtomicInteger written = new AtomicInteger();
    vertx.setPeriodic(
        Long.parseLong(ctx.pathParam("ms")),
        id -> {
          if (response.closed()) {
            vertx.cancelTimer(id);
          } else if (written.incrementAndGet() < chunks) {
            response.write("abc\n");
          } else {
            vertx.cancelTimer(id);
            response.end("abc\n");
          }
        });
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    if (!ctx.response().closed()) {
      ctx.json(body);
    }
  }
}
