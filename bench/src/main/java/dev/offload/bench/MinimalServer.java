package dev.offload.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The framework ceiling: Vert.x HTTP plus a router and nothing else, answering {@code ok}. A plain route of the
 * service can be compared with this to see what the service itself costs on top of Vert.x.
 *
 * <p>Usage: {@code java -cp offload-bench.jar dev.offload.bench.MinimalServer PORT} (listens on 127.0.0.1).
 */
public final class MinimalServer extends VerticleBase {

  private final int port;

  private MinimalServer(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    // Every GET path answers, so the very URL path used against the service can be replayed here.
    router.get().handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end("ok"));
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
      .requestHandler(router)
      .listen();
  }

  public static void main(String[] args) {
    if (args.length != 1 || !args[0].matches("\\d{1,5}")) {
      System.err.println("usage: java -cp offload-bench.jar dev.offload.bench.MinimalServer PORT");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    // One instance per event loop, as a tuned service would deploy, so the ceiling uses every event loop.
    int instances = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    Vertx vertx = Vertx.vertx();
    try {
      vertx.deployVerticle(() -> new MinimalServer(port), new DeploymentOptions().setInstances(instances)).await();
    } catch (Exception e) {
      // await() rethrows the cause as is, checked or not (here a BindException). Without this the event loops
      // would keep alive a JVM that serves nothing.
      System.err.println("error: MinimalServer could not listen on 127.0.0.1:" + port + ": " + e);
      vertx.close().await();
      System.exit(1);
    }
    System.err.printf("MinimalServer listening on 127.0.0.1:%d with %d instances%n", port, instances);
  }
}
