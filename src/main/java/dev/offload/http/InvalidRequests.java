package dev.offload.http;

import dev.offload.api.ApiError;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Answers requests that the HTTP codec could not parse, before any route sees them: a request line
 * too long (414), headers too large (431), anything else malformed, such as a bad {@code
 * Content-Length} (400). The statuses are those of Vert.x's own handler; the difference is the
 * body, the same {@code {"error": {"code", "message"}}} as every other error. The connection is
 * closed after the answer, as Vert.x does: the rest of its bytes cannot be trusted to start a
 * request.
 */
final class InvalidRequests {

  private InvalidRequests() {}

  static void answer(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiError error;
    if (cause instanceof TooLongHttpLineException) {
      error =
          new ApiError(414, "uri_too_long", "the request line is longer than the server accepts");
    } else if (cause instanceof TooLongHttpHeaderException) {
      error =
          new ApiError(
              431, "headers_too_large", "the request headers are larger than the server accepts");
    } else {
      error = ApiError.badRequest("bad_request", "the request is not valid HTTP");
    }
    RequestIds.assign(request);
    answerAndClose(request, error);
  }

  /** Answers with {@code error} and closes the connection once the answer is written. */
  static void answerAndClose(HttpServerRequest request, ApiError error) {
    request
        .response()
        .setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(error.body())
        .onComplete(written -> request.connection().close());
  }
}
