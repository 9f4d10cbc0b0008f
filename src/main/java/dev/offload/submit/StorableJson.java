package dev.offload.submit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** What PostgreSQL would refuse, or store other than as sent, in JSON a client gave. */
public final class StorableJson {

  private StorableJson() {}

  /**
   * What in {@code value} (at {@code path}) jsonb would refuse or store other than as it was sent,
   * said as the error to answer; null if nothing. U+0000 it refuses (our 500 otherwise, not the
   * client's 400). A number beyond a double's range (such as {@code 1e400}) reaches here as an
   * infinity, which JSON cannot hold; an unpaired surrogate (a lone U+D800, say) has no UTF-8 form.
   * Checked after the kind's own checks of its args, whose messages say more.
   */
  public static String problem(Object value, String path) {
    if (value instanceof Double number && !Double.isFinite(number)) {
      return path + " is a number out of range: a double cannot hold it";
    }
    if (value instanceof String text) {
      String problem = problemInText(text);
      return problem == null ? null : path + " contains " + problem;
    }
    if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        String keyProblem = problemInText(entry.getKey());
        if (keyProblem != null) {
          return path + " has a key that contains " + keyProblem;
        }
        String found = problem(entry.getValue(), path + "." + entry.getKey());
        if (found != null) {
          return found;
        }
      }
    }
    if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        String found = problem(array.getValue(i), path + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** What in {@code text} jsonb cannot store as it is; null if nothing. */
  public static String problemInText(String text) {
    if (text.indexOf('\u0000') >= 0) {
      return "the character U+0000, which PostgreSQL cannot store";
    }
    if (text.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE)) {
      return "an unpaired surrogate, which UTF-8 cannot encode";
    }
    return null;
  }
}
