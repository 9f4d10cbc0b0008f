package dev.offload.bench;

import dev.offload.bench.ConnectionOpener.Opened;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds N requests waiting at once, for the server's memory figure: opens N connections, then sends one GET on each
 * (e.g. {@code /async-task?delay=10s}), and once every request is written, writes a marker file so that the caller
 * can sample the server's resident memory while all N wait; then awaits the N answers.
 */
final class HoldConnectionsBenchmark implements Benchmark {

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final RequestTemplate template;
  private final int count;
  private final String markerFile;

  HoldConnectionsBenchmark(Vertx vertx, RequestTemplate template, int count, String markerFile) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(Http.clientOptions());
    this.template = template;
    this.count = count;
    this.markerFile = markerFile;
  }

  @Override
  public Future<JsonObject> run() {
    return ConnectionOpener.open(client, template.host(), template.port(), count, ConnectionOpener.DEFAULT_IN_FLIGHT)
      .compose(opened -> hold(opened).eventually(() -> ConnectionOpener.closeAll(opened.connections())));
  }

  private Future<JsonObject> hold(Opened opened) {
    opened.failures().log("connections: connect");
    LoadStats stats = new LoadStats();
    long start = System.nanoTime();
    List<Future<HttpClientRequest>> written = new ArrayList<>(opened.connections().size());
    for (HttpClientConnection connection : opened.connections()) {
      written.add(connection.request(template.next()).compose(request -> request.end().map(request)));
    }
    return Future.join(written)
      .transform(all -> {
        int sent = (int) written.stream().filter(Future::succeeded).count();
        System.err.printf("connections: %d requests waiting (%d connections open after %.2f s)%n", sent,
          opened.connections().size(), opened.seconds());
        return vertx.fileSystem().writeFile(markerFile, Buffer.buffer(sent + "\n"));
      })
      .compose(marked -> Future.join(answers(written, stats, start)))
      .transform(answered -> {
        stats.logErrors("connections");
        int errors = opened.failures().total() + stats.errors();
        return Future.succeededFuture(new JsonObject()
          .put("count", count)
          .put("connections_opened", opened.connections().size())
          .put("open_s", LoadResult.round3(opened.seconds()))
          .put("ok", stats.ok())
          .put("errors", errors)
          .put("max_ms", stats.maxMillis()));
      });
  }

  private List<Future<Void>> answers(List<Future<HttpClientRequest>> written, LoadStats stats, long start) {
    List<Future<Void>> answers = new ArrayList<>(written.size());
    for (Future<HttpClientRequest> request : written) {
      answers.add(request
        .compose(sent -> sent.response())
        .compose(response -> response.body().compose(body -> response.statusCode() == template.expectedStatus()
          ? Future.succeededFuture()
          : Future.<Void>failedFuture(new UnexpectedResponseException("answered " + response.statusCode()))))
        .onSuccess(ok -> stats.success(System.nanoTime() - start))
        .onFailure(stats::failure)
        .<Void>mapEmpty()
        .otherwiseEmpty());
    }
    return answers;
  }
}
