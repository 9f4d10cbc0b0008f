package dev.offload.workers;

import dev.offload.api.ApiError;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;

/**
 * The lease token a remote worker gets with each attempt, as it travels: opaque to the worker, 43
 * URL-safe characters that hold the task's id (so the attempt is found by its primary key) and the
 * random token the claim drew for the attempt (so that only this attempt matches).
 */
final class LeaseTokens {

  /** A token read back: the task and the attempt's own token. */
  record Lease(UUID taskId, UUID token) {}

  private static final int LENGTH = 43;

  private LeaseTokens() {}

  static String encode(UUID taskId, UUID token) {
    ByteBuffer bytes = ByteBuffer.allocate(32);
    bytes
        .putLong(taskId.getMostSignificantBits())
        .putLong(taskId.getLeastSignificantBits())
        .putLong(token.getMostSignificantBits())
        .putLong(token.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  /**
   * @param field where the token was, for the error
   * @throws ApiError 400 invalid_field if {@code value} is not a lease token
   */
  static Lease decode(Object value, String field) {
    if (!(value instanceof String text) || text.length() != LENGTH) {
      throw notAToken(field);
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw notAToken(field);
    }
    ByteBuffer bytes = ByteBuffer.wrap(raw);
    return new Lease(
        new UUID(bytes.getLong(), bytes.getLong()), new UUID(bytes.getLong(), bytes.getLong()));
  }

  private static ApiError notAToken(String field) {
    return ApiError.badRequest(
        "invalid_field", field + " must be a lease token, as a claim gave it (a string)");
  }
}
