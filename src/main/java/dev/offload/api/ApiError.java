package dev.offload.api;

import io.vertx.core.json.JsonObject;

/** A failure to show the client as {@code {"error": {"code", "message"}}} with an HTTP status. */
public final class ApiError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  public ApiError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public static ApiError badRequest(String code, String message) {
    return new ApiError(400, code, message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The response body: {@code {"error": {"code", "message"}}}, encoded. */
  public String body() {
    return new JsonObject()
        .put("error", new JsonObject().put("code", code).put("message", getMessage()))
        .encode();
  }
}
