package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;

/**
 * Event delivery latency under load: one stream on {@code GET /events?state=completed} while R noop tasks per second
 * are submitted (open loop, {@link BackgroundSubmitter}) and run by the node, so about R tasks complete per second.
 * For each event received, latency = the wall clock at receipt minus the task's {@code finalized_at} (the node's
 * clock when it wrote the outcome; same machine, same clock): the time from the outcome's statement to the event
 * in the client's hands, the NOTIFY, the node's read and the write included. Events of the first W s are not
 * counted; then a window of S s.
 */
final class EventLatencyBenchmark implements Benchmark {

  private final Vertx vertx;
  private final String base;
  private final double rate;
  private final double warmupSeconds;
  private final double durationSeconds;
  private final Latencies latencies = new Latencies();
  private volatile boolean counting;
  private volatile long counted;

  EventLatencyBenchmark(Vertx vertx, String base, double rate, double warmupSeconds, double durationSeconds) {
    this.vertx = vertx;
    this.base = base;
    this.rate = rate;
    this.warmupSeconds = warmupSeconds;
    this.durationSeconds = durationSeconds;
  }

  @Override
  public Future<JsonObject> run() {
    EventSubscribers stream = new EventSubscribers(vertx, base + "/events?state=completed", 1, this::received);
    BackgroundSubmitter load = new BackgroundSubmitter(vertx, new TaskClient(vertx.createHttpClient(
      new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(32)), base), rate);
    return stream.open(1)
      .compose(opened -> {
        if (stream.opened() != 1) {
          return Future.failedFuture("the event stream did not open");
        }
        load.start();
        return after(warmupSeconds);
      })
      .compose(warm -> {
        counting = true;
        return after(durationSeconds);
      })
      .map(window -> {
        counting = false;
        load.stop();
        stream.errors().log("event-latency");
        JsonObject figures = new JsonObject()
          .put("events", counted)
          .put("events_per_s", LoadResult.round1(counted / durationSeconds))
          .put("p50_ms", latencies.percentile(50))
          .put("p99_ms", latencies.percentile(99))
          .put("max_ms", latencies.max())
          .put("stream_open_at_end", stream.stillOpen())
          .put("errors", stream.errors().total() + (stream.stillOpen() == 1 ? 0 : 1));
        figures.mergeIn(load.figures());
        return figures;
      })
      .eventually(stream::close);
  }

  private void received(JsonObject task) {
    String finalizedAt = task.getString("finalized_at");
    if (counting && finalizedAt != null) {
      Duration late = Duration.between(Instant.parse(finalizedAt), Instant.now());
      latencies.addNanos(late.toNanos());
      counted++;
    }
  }

  private Future<Void> after(double seconds) {
    Promise<Void> done = Promise.promise();
    vertx.setTimer((long) (seconds * 1000), id -> done.complete());
    return done.future();
  }
}
