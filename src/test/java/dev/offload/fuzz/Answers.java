package dev.offload.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * The properties of every answer, whoever sent the request: no 5xx (but the 502, 503 and 504 that
 * {@code /fetch-data} answers about its upstream), every 4xx with the JSON body {@code {"error":
 * {"code", "message"}}}, and no stack trace anywhere.
 */
final class Answers {

  /** Text of a Java stack trace, which no answer may show. */
  private static final Pattern STACK_TRACE =
      Pattern.compile("\\bat [\\w$.]+\\([\\w$]+\\.java:\\d+\\)|Exception:|\\tat |\\.java:\\d+");

  private Answers() {}

  /**
   * @param body null for an answer without one (to a HEAD)
   * @param aboutUpstream whether the route calls an upstream, so that a 502, 503 or 504 with an
   *     {@code upstream_*} code is its answer about that upstream
   */
  static void check(int status, String contentType, String body, boolean aboutUpstream) {
    if (status >= 500) {
      assertTrue(
          aboutUpstream
              && (status == 502 || status == 503 || status == 504)
              && body != null
              && error(body).getString("code", "").startsWith("upstream_"),
          "a 5xx");
    }
    if (status >= 400 && body != null) {
      assertTrue(
          contentType != null && contentType.startsWith("application/json"),
          "an error's content type is JSON, got " + contentType);
      JsonObject error = error(body);
      assertTrue(
          error != null
              && error.getValue("code") instanceof String
              && error.getValue("message") instanceof String,
          "an error body is {\"error\": {\"code\", \"message\"}}");
    }
    assertTrue(body == null || !STACK_TRACE.matcher(body).find(), "a stack trace");
  }

  private static JsonObject error(String body) {
    try {
      return new JsonObject(body).getJsonObject("error");
    } catch (RuntimeException e) {
      throw new AssertionError("an error body is {\"error\": {\"code\", \"message\"}}", e);
    }
  }
}
