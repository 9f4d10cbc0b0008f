package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * N server-sent event streams on one URL (text/event-stream), each on a connection of its own, opened at most 256 at
 * a time. Each stream's {@code data:} lines are handed, parsed, to {@code onEvent} (or only counted, if null); the
 * streams that end or fail are counted, so a benchmark can tell that its subscribers stayed connected.
 */
final class EventSubscribers {

  private static final int CONNECTS_IN_FLIGHT = 256;

  private final HttpClient client;
  private final URI url;
  private final Consumer<JsonObject> onEvent;
  private final List<HttpClientResponse> open = new ArrayList<>();
  private final AtomicInteger ended = new AtomicInteger();
  private final AtomicLong events = new AtomicLong();
  private final ErrorTally errors = new ErrorTally();

  EventSubscribers(Vertx vertx, String url, int count, Consumer<JsonObject> onEvent) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(count));
    this.url = URI.create(url);
    this.onEvent = onEvent;
  }

  /** Opens {@code count} streams; completes once each answered its headers (or failed, counted in errors). */
  Future<Void> open(int count) {
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < Math.min(count, CONNECTS_IN_FLIGHT); lane++) {
      lanes.add(openNext(count, next));
    }
    return Future.join(lanes).mapEmpty();
  }

  private Future<Void> openNext(int count, AtomicInteger next) {
    if (next.getAndIncrement() >= count) {
      return Future.succeededFuture();
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(url.getHost())
      .setPort(url.getPort()).setURI(url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()))
      .putHeader("accept", "text/event-stream");
    return client.request(options).compose(request -> request.send()).transform(sent -> {
      if (sent.failed()) {
        errors.add(sent.cause());
      } else if (sent.result().statusCode() != 200) {
        errors.add(new UnexpectedResponseException("stream answered " + sent.result().statusCode()));
      } else {
        follow(sent.result());
      }
      return openNext(count, next);
    });
  }

  private void follow(HttpClientResponse response) {
    synchronized (open) {
      open.add(response);
    }
    StringBuilder pending = new StringBuilder();
    response.handler(buffer -> {
      pending.append(buffer.toString());
      int newline;
      while ((newline = pending.indexOf("\n")) >= 0) {
        String line = pending.substring(0, newline);
        pending.delete(0, newline + 1);
        if (line.startsWith("data: ")) {
          events.incrementAndGet();
          if (onEvent != null) {
            onEvent.accept(new JsonObject(line.substring(6)));
          }
        }
      }
    });
    response.endHandler(end -> ended.incrementAndGet());
    response.exceptionHandler(failure -> ended.incrementAndGet());
  }

  int opened() {
    synchronized (open) {
      return open.size();
    }
  }

  /** Streams opened and not ended. */
  int stillOpen() {
    return opened() - ended.get();
  }

  long events() {
    return events.get();
  }

  ErrorTally errors() {
    return errors;
  }

  Future<Void> close() {
    return client.close();
  }
}
