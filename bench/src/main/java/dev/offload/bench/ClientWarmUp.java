package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Warms the load generator's own HTTP client code before a burst. A cold JVM on one core needs about 0.4 s for its
 * first request and over 1 s to open 1,000 connections: that would be measured as server latency. The warm-up
 * bursts go to a throwaway server inside this JVM, so the server under test sees only the measured requests.
 */
final class ClientWarmUp {

  private ClientWarmUp() {
  }

  static Future<Void> run(Vertx vertx, int concurrency, int rounds) {
    return vertx.createHttpServer()
      .requestHandler(request -> request.response().end("ok"))
      .listen(0, "127.0.0.1")
      .compose(server -> bursts(vertx, server, concurrency, rounds).eventually(server::close));
  }

  private static Future<Void> bursts(Vertx vertx, HttpServer server, int concurrency, int rounds) {
    // A fresh client per round, so every round opens its connections anew, as the measured burst will.
    HttpClientAgent client = vertx.createHttpClient(Http.clientOptions(), new PoolOptions().setHttp1MaxSize(concurrency));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
      .setAbsoluteURI("http://127.0.0.1:" + server.actualPort() + "/");
    List<Future<?>> requests = new ArrayList<>(concurrency);
    for (int i = 0; i < concurrency; i++) {
      requests.add(Http.exchange(client, options, null, 200));
    }
    Future<Void> round = Future.all(requests).<Void>mapEmpty().eventually(client::close);
    return rounds == 1 ? round : round.compose(done -> bursts(vertx, server, concurrency, rounds - 1));
  }
}
