package dev.offload.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * The JSON object a request carries, for every route that takes one: sent as {@code
 * application/json} in UTF-8 (else 415), and read by {@link StrictJson}, so that nothing in it is
 * silently changed. Routes add their own checks of its fields.
 */
public final class JsonBodies {

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
