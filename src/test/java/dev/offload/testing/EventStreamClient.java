package dev.offload.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A text/event-stream client for tests: opens a stream on a node and queues each event it reads,
 * parsed as the EventSource of a browser would (lines {@code id:}, {@code event:}, {@code data:},
 * an empty line ends an event, comments skipped). Blocking: use from the test thread.
 */
public final class EventStreamClient implements AutoCloseable {

  /** One event: its id (null if none), its type, and its data as JSON. */
  public record Event(String id, String type, JsonObject data) {}

  private final HttpClient client;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final StringBuilder pending = new StringBuilder();
  private final HttpClientResponse response;
  private String id;
  private String type;
  private final StringBuilder data = new StringBuilder();

  private EventStreamClient(HttpClient client, HttpClientResponse response) {
    this.client = client;
    this.response = response;
  }

  /**
   * Opens {@code GET path} on {@code port}, with {@code Last-Event-ID} if not null; fails unless
   * the answer is 200 text/event-stream.
   */
  public static EventStreamClient open(Vertx vertx, int port, String path, String lastEventId) {
    HttpClient client = vertx.createHttpClient();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(path)
            .putHeader("accept", "text/event-stream");
    if (lastEventId != null) {
      options.putHeader("last-event-id", lastEventId);
    }
    // The handlers are set in the callback that delivers the response, on its event loop: a chunk
    // that comes before a handler is set is dropped, and the first event often comes with the
    // headers.
    Future<EventStreamClient> opened =
        client
            .request(options)
            .compose(request -> request.send())
            .compose(
                response -> {
                  if (response.statusCode() != 200) {
                    String answered = "GET " + path + " answered " + response.statusCode();
                    return response
                        .body()
                        .compose(body -> Future.failedFuture(answered + ": " + body));
                  }
                  EventStreamClient stream = new EventStreamClient(client, response);
                  response.handler(buffer -> stream.read(buffer.toString()));
                  response.endHandler(end -> stream.ended.complete(null));
                  response.exceptionHandler(failure -> stream.ended.complete(null));
                  return Future.succeededFuture(stream);
                });
    try {
      return opened.await();
    } catch (RuntimeException failure) {
      client.close();
      throw failure;
    }
  }

  private synchronized void read(String text) {
    pending.append(text);
    int newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      String line = pending.substring(0, newline);
      pending.delete(0, newline + 1);
      line(line);
    }
  }

  private void line(String line) {
    if (line.isEmpty()) {
      if (data.length() > 0) {
        events.add(new Event(id, type == null ? "message" : type, new JsonObject(data.toString())));
      }
      type = null;
      data.setLength(0);
    } else if (line.startsWith("id: ")) {
      id = line.substring(4);
    } else if (line.startsWith("event: ")) {
      type = line.substring(7);
    } else if (line.startsWith("data: ")) {
      data.append(line.substring(6));
    }
  }

  /** The next event, waiting up to {@code wait}; fails if none comes. */
  public Event next(Duration wait) throws InterruptedException {
    Event event = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    if (event == null) {
      throw new AssertionError("no event within " + wait);
    }
    return event;
  }

  /** Whether the server ended the stream within {@code wait}. */
  public boolean endsWithin(Duration wait) throws InterruptedException {
    try {
      ended.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true;
    }
  }

  /** Drops the connection, as a client whose network went away. */
  @Override
  public void close() {
    response.request().connection().close();
    client.close();
  }
}
