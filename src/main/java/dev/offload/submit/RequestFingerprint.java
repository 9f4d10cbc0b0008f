package dev.offload.submit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What makes two submissions "the same request" for idempotency: the SHA-256 of the submission as
 * JSON with every object's keys sorted, so that key order and whitespace do not count, and every
 * value does. Hex, as it is stored with the key.
 */
final class RequestFingerprint {

  private RequestFingerprint() {}

  /** The fingerprint of {@code submission} without its field {@code leftOut} (the key itself). */
  static String of(JsonObject submission, String leftOut) {
    JsonObject copy = submission.copy();
    copy.remove(leftOut);
    return of(copy);
  }

  static String of(JsonObject submission) {
    byte[] canonical = canonical(submission).toString().getBytes(StandardCharsets.UTF_8);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** The value with its objects' keys in order; encodes as the canonical form. */
  private static Object canonical(Object value) {
    if (value instanceof JsonObject object) {
      Map<String, Object> sorted = new TreeMap<>();
      for (Map.Entry<String, Object> field : object) {
        sorted.put(field.getKey(), canonical(field.getValue()));
      }
      return new JsonObject(sorted);
    }
    if (value instanceof JsonArray array) {
      JsonArray items = new JsonArray();
      array.forEach(item -> items.add(canonical(item)));
      return items;
    }
    return value;
  }
}
