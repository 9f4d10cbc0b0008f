package dev.offload.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Error messages that quote a client's value stay small: the fuzz suite sent a 10 MB kind to {@code
 * POST /tasks/batch} and got it back whole in a 10 MB error body.
 */
class ApiErrorTest {

  @Test
  void a_message_quoting_megabytes_keeps_its_head_and_tail_only() {
    String full = "unknown kind '" + "x".repeat(10_000_000) + "'; known kinds: noop, sleep";
    ApiError error = ApiError.badRequest("unknown_kind", full);

    String message = new JsonObject(error.body()).getJsonObject("error").getString("message");

    assertTrue(message.length() < ApiError.HEAD + ApiError.TAIL + 100, "" + message.length());
    assertTrue(message.startsWith("unknown kind 'xxx"), message);
    assertTrue(message.endsWith("'; known kinds: noop, sleep"), message);
    int leftOut = full.length() - ApiError.HEAD - ApiError.TAIL;
    assertTrue(message.contains("(" + leftOut + " characters left out)"), message);
  }

  @Test
  void a_message_of_ordinary_length_is_kept_whole() {
    String message = "m".repeat(ApiError.HEAD + ApiError.TAIL);
    assertEquals(message, new ApiError(400, "invalid_field", message).getMessage());
  }
}
