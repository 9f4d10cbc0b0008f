package dev.offload.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.function.Function;

/**
 * The JSON object a request carries, for every route that takes one: sent as {@code
 * application/json} in UTF-8 (else 415), and read by {@link StrictJson}, so that nothing in it is
 * silently changed. Routes add their own checks of its fields.
 */
public final class JsonBodies {

  /** Bodies up to this size are read on the event loop: well under a millisecond's work. */
  private static final int ON_LOOP_BYTES = 32 * 1024;

  private JsonBodies() {}

  /**
   * @throws ApiError 415 for another content type or charset, 400 for a body that is not one JSON
   *     object or would be changed by reading it
   */
  public static JsonObject object(RoutingContext ctx) {
    return StrictJson.parseObject(bytes(ctx));
  }

  /**
   * The body's bytes, once its content type is checked: for {@link StrictJson#parseObject} to read
   * on another thread, when the body is large.
   *
   * @throws ApiError as {@link #object}
   */
  public static byte[] bytes(RoutingContext ctx) {
    requireJson(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw ApiError.badRequest("invalid_json", "the body must be a JSON object");
    }
    return body.getBytes();
  }

  /**
   * What {@code read} makes of the request's JSON body. A large body (over {@value #ON_LOOP_BYTES}
   * bytes) is read, checked and converted on a worker thread: each step takes time in proportion to
   * its size, and a 1 MiB body held the event loop for 200 ms.
   */
  public static <T> Future<T> read(Vertx vertx, RoutingContext ctx, Function<JsonObject, T> read) {
    try {
      byte[] body = bytes(ctx);
      if (body.length <= ON_LOOP_BYTES) {
        return Future.succeededFuture(read.apply(StrictJson.parseObject(body)));
      }
      return vertx.executeBlocking(() -> read.apply(StrictJson.parseObject(body)), false);
    } catch (RuntimeException refused) {
      return Future.failedFuture(refused);
    }
  }

  /** {@code application/json}, with no charset or {@code charset=utf-8}. */
  static void requireJson(String contentType) {
    if (contentType == null) {
      throw unsupported("no Content-Type");
    }
    String[] parts = contentType.split(";");
    if (!parts[0].trim().equalsIgnoreCase("application/json")) {
      throw unsupported("Content-Type " + parts[0].trim());
    }
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
      if (parameter.startsWith("charset=")) {
        String charset = parameter.substring("charset=".length()).replace("\"", "");
        if (!charset.equals("utf-8") && !charset.equals("utf8")) {
          throw unsupported("charset " + charset);
        }
      }
    }
  }

  private static ApiError unsupported(String what) {
    return new ApiError(
        415,
        "unsupported_media_type",
        "send the body as application/json in UTF-8 (got " + what + ")");
  }
}
