package dev.offload.outbound;

import dev.offload.config.AllowedHosts;
import dev.offload.task.DiscardTaskException;
import dev.offload.task.RetryTaskException;
import dev.offload.task.TaskContext;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Sends the HTTP requests of tasks (the {@code http} kind, callbacks) and turns the answer into the
 * task's outcome: 2xx and 3xx complete it with the status, headers and a body excerpt; 408, 429 and
 * 5xx are retried (after {@code Retry-After} when given); other 4xx discard it; network errors and
 * timeouts are retried with the usual backoff. Only allow-listed hosts, at addresses that are
 * public or allow-listed too ({@link OutboundAddresses}, which discards the task otherwise);
 * redirects never followed. Non-blocking: runs on an event loop (the lookup runs on threads of its
 * own).
 */
public final class OutboundCalls {

  static final int BODY_EXCERPT_BYTES = 4_096;
  private static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

  private final HttpClient client;
  private final AllowedHosts allowedHosts;
  private final OutboundAddresses addresses;

  public OutboundCalls(Vertx vertx, AllowedHosts allowedHosts) {
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setConnectTimeout(10_000),
            new PoolOptions().setHttp1MaxSize(64));
    this.allowedHosts = allowedHosts;
    this.addresses = new OutboundAddresses(vertx, allowedHosts);
  }

  public AllowedHosts allowedHosts() {
    return allowedHosts;
  }

  /**
   * Completes with {@code {"status", "headers", "body", "body_truncated"}} or fails as described
   * above.
   */
  public Future<Object> send(
      HttpMethod method,
      String url,
      MultiMap headers,
      Buffer body,
      Duration timeout,
      TaskContext context) {
    URI uri = allowedHosts.check(url); // checked again: the task may predate the list
    return addresses
        .resolve(uri)
        .compose(
            server -> {
              RequestOptions options =
                  new RequestOptions()
                      .setMethod(method)
                      .setAbsoluteURI(uri.toString())
                      // The address checked, not the host name: no second lookup.
                      .setServer(server)
                      .setHeaders(headers)
                      .setFollowRedirects(false)
                      .setTimeout(timeout.toMillis());
              Promise<Object> outcome = Promise.promise();
              client
                  .request(options)
                  .onSuccess(
                      request -> {
                        context.onStopRequested(() -> request.reset());
                        request
                            .send(body == null ? Buffer.buffer() : body)
                            .onSuccess(response -> readExcerpt(response, outcome, url))
                            .onFailure(outcome::tryFail);
                      })
                  .onFailure(outcome::tryFail);
              return outcome.future();
            });
  }

  /** Keeps the first bytes of the body and drains the rest, so a large answer costs no memory. */
  private static void readExcerpt(
      HttpClientResponse response, Promise<Object> outcome, String url) {
    Buffer excerpt = Buffer.buffer();
    boolean[] truncated = {false};
    response.handler(
        chunk -> {
          int room = BODY_EXCERPT_BYTES - excerpt.length();
          if (chunk.length() > room) {
            truncated[0] = true;
          }
          if (room > 0) {
            excerpt.appendBuffer(chunk, 0, Math.min(room, chunk.length()));
          }
        });
    response.exceptionHandler(outcome::tryFail);
    response.endHandler(ended -> settle(response, excerpt, truncated[0], url, outcome));
  }

  private static void settle(
      HttpClientResponse response,
      Buffer excerpt,
      boolean truncated,
      String url,
      Promise<Object> outcome) {
    int status = response.statusCode();
    String text = new String(excerpt.getBytes(), StandardCharsets.UTF_8);
    if (status < 400) {
      JsonObject headers = new JsonObject();
      response
          .headers()
          .names()
          .forEach(name -> headers.put(name.toLowerCase(), response.headers().get(name)));
      outcome.tryComplete(
          new JsonObject()
              .put("status", status)
              .put("headers", headers)
              .put("body", text)
              .put("body_truncated", truncated));
      return;
    }
    String error =
        "HTTP " + status + " from " + url + (text.isBlank() ? "" : ": " + abbreviate(text));
    if (status == 408 || status == 429 || status >= 500) {
      outcome.tryFail(new RetryTaskException(error, retryAfter(response.getHeader("retry-after"))));
    } else {
      outcome.tryFail(new DiscardTaskException(error));
    }
  }

  /** {@code Retry-After} in seconds or as an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    Duration after;
    if (header.trim().matches("\\d{1,9}")) {
      after = Duration.ofSeconds(Long.parseLong(header.trim()));
    } else {
      try {
        after =
            Duration.between(
                Instant.now(),
                ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return after.isNegative()
        ? Duration.ZERO
        : (after.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : after);
  }

  private static String abbreviate(String text) {
    String line = text.replaceAll("\\s+", " ").trim();
    return line.length() <= 200 ? line : line.substring(0, 200) + "…";
  }
}
