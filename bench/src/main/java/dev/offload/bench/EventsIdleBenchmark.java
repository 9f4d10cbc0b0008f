package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Idle subscribers: opens N event streams on the URL, writes a marker file once all are open (the caller then
 * samples the server's memory and CPU), holds them for S s, and reports how many were still open at the end and
 * how many events and keep-alive-free bytes they got (none are expected: the streams watch a queue nothing uses).
 */
final class EventsIdleBenchmark implements Benchmark {

  private final Vertx vertx;
  private final EventSubscribers subscribers;
  private final int count;
  private final double holdSeconds;
  private final String markerFile;

  EventsIdleBenchmark(Vertx vertx, String url, int count, double holdSeconds, String markerFile) {
    this.vertx = vertx;
    this.subscribers = new EventSubscribers(vertx, url, count, null);
    this.count = count;
    this.holdSeconds = holdSeconds;
    this.markerFile = markerFile;
  }

  @Override
  public Future<JsonObject> run() {
    long start = System.nanoTime();
    return subscribers.open(count)
      .compose(opened -> {
        System.err.printf("events-idle: %d streams open after %.2f s%n", subscribers.opened(),
          (System.nanoTime() - start) / 1e9);
        return vertx.fileSystem().writeFile(markerFile, Buffer.buffer(subscribers.opened() + "\n"));
      })
      .compose(marked -> {
        Promise<Void> held = Promise.promise();
        vertx.setTimer((long) (holdSeconds * 1000), id -> held.complete());
        return held.future();
      })
      .map(held -> {
        subscribers.errors().log("events-idle");
        return new JsonObject()
          .put("subscribers", count)
          .put("subscribers_opened", subscribers.opened())
          .put("subscribers_open_at_end", subscribers.stillOpen())
          .put("events", subscribers.events())
          .put("errors", subscribers.errors().total() + (count - subscribers.stillOpen()));
      })
      .eventually(subscribers::close);
  }
}
