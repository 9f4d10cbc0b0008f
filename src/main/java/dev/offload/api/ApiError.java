package dev.offload.api;

import io.vertx.core.json.JsonObject;

/**
 * A failure to show the client as {@code {"error": {"code", "message"}}} with an HTTP status.
 * Messages often quote what the client sent (an unknown kind, a field's name), which may be
 * megabytes long: a message is cut to its first {@value #HEAD} and last {@value #TAIL} characters,
 * so that an error stays small and the end (often the list of what is allowed) is kept.
 */
public final class ApiError extends RuntimeException {

  private static final long serialVersionUID = 1L;
  static final int HEAD = 1_000;
  static final int TAIL = 500;

  private final int status;
  private final String code;

  public ApiError(int status, String code, String message) {
    super(shortened(message), null, false, false);
    this.status = status;
    this.code = code;
  }

  private static String shortened(String message) {
    int cut = message.length() - HEAD - TAIL;
    if (cut <= 0) {
      return message;
    }
    return message.substring(0, HEAD)
        + "... ("
        + cut
        + " characters left out) ..."
        + message.substring(message.length() - TAIL);
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
