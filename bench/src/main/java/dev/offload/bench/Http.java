package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;

/** The one place where a response's status is checked, so every benchmark reports a surprise the same way. */
final class Http {

  /** Enough of an unexpected body to see the server's error message, not so much that it floods the log. */
  private static final int BODY_EXCERPT_CHARS = 200;

  /**
   * Seconds a pooled connection may sit idle before the generator closes it: below the service's
   * {@code http.keep_alive_timeout} (15 s), so that the generator never sends a request on a connection the service
   * is closing at that moment (a broken connection that would count as an error of the service).
   */
  private static final int IDLE_CLOSE_SECONDS = 10;

  private Http() {
  }

  /** Options for every generator client: keep-alive, with connections closed by the generator first. */
  static HttpClientOptions clientOptions() {
    return new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(IDLE_CLOSE_SECONDS);
  }

  /**
   * Sends the request and reads the whole body; fails with {@link UnexpectedResponseException} unless the status is
   * {@code expectedStatus}. {@code body} may be null for requests without one.
   */
  static Future<Buffer> exchange(HttpClient client, RequestOptions options, Buffer body, int expectedStatus) {
    return client.request(options)
      .compose(request -> body == null ? request.send() : request.send(body))
      .compose(response -> response.body().compose(received -> {
        if (response.statusCode() == expectedStatus) {
          return Future.succeededFuture(received);
        }
        return Future.failedFuture(new UnexpectedResponseException(String.format("%s %s answered %d (expected %d): %s",
          options.getMethod(), options.getURI(), response.statusCode(), expectedStatus, excerpt(received))));
      }));
  }

  static String excerpt(Buffer body) {
    String text = body.toString().strip();
    return text.length() <= BODY_EXCERPT_CHARS ? text : text.substring(0, BODY_EXCERPT_CHARS) + "...";
  }
}
