package dev.offload.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

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
    int status;
    String code;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      code = "uri_too_long";
      message = "the request line is longer than the server accepts";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      code = "headers_too_large";
      message = "the request headers are larger than the server accepts";
    } else {
      status = 400;
      code = "bad_request";
      message = "the request is not valid HTTP";
    }
    String body =
        new JsonObject()
            .put("error", new JsonObject().put("code", code).put("message", message))
            .encode();
    request
        .response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(body)
        .onComplete(written -> request.connection().close());
  }
}
