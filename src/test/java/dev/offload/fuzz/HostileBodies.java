package dev.offload.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hostile JSON bodies made from a route's valid one, given field by field (the name, and the value
 * as JSON text): a known field with a hostile value or a wrong type, unknown fields, a key given
 * twice, nesting past 256 levels, bytes that are not UTF-8, bodies that are no JSON object at all,
 * and now and then the valid body itself, so that the routes' success paths are fuzzed too.
 */
final class HostileBodies {

  /** Content types a JSON body may be sent with; the first is the right one. */
  private static final List<String> CONTENT_TYPES =
      List.of(
          "application/json",
          "application/json; charset=utf-8",
          "Application/JSON;charset=\"UTF-8\"",
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "application/json; charset=utf-16",
          "application/json; charset=iso-8859-1",
          "application/json, text/plain",
          "application/jsonx",
          "application/json; charset=",
          "application/json;;;",
          "*/*",
          "");

  private final Hostile hostile;

  HostileBodies(Hostile hostile) {
    this.hostile = hostile;
  }

  /** A body drawn from {@code valid}: one of the mutations, or now and then {@code valid} as is. */
  byte[] from(Map<String, String> valid) {
    Map<String, String> fields = new LinkedHashMap<>(valid);
    return switch (hostile.between(0, 11)) {
      case 0 -> render(replaceOne(fields, hostile.value()));
      case 1 -> render(withExtra(fields, hostile.key(), hostile.value()));
      case 2 -> duplicateKey(fields);
      case 3 -> render(replaceOne(fields, hostile.nesting(hostile.depth())));
      case 4 -> hostile.insert(render(replaceOne(fields, hostile.string())), hostile.notUtf8());
      case 5 -> notAnObject(render(fields));
      case 6 -> render(replaceOne(fields, hostile.string()));
      case 7 -> render(replaceOne(fields, hostile.number()));
      case 8 -> render(someOf(fields));
      case 9 -> render(many(fields));
      case 10 -> render(replaceOne(replaceOne(someOf(fields), hostile.value()), hostile.value()));
      default -> render(fields);
    };
  }

  /** Mostly {@code application/json}; one time in eight, another type, a bad charset or none. */
  String contentType() {
    return hostile.percent(88) ? CONTENT_TYPES.get(0) : hostile.pick(CONTENT_TYPES);
  }

  /** The fields as a JSON object; keys are written as given (JSON string literals or names). */
  static byte[] render(Map<String, String> fields) {
    List<String> members = new ArrayList<>();
    fields.forEach((key, value) -> members.add(literal(key) + ":" + value));
    return ("{" + String.join(",", members) + "}").getBytes(StandardCharsets.UTF_8);
  }

  /** A name as a JSON string; a key that already is one (a hostile key) stays as it is. */
  private static String literal(String key) {
    return key.startsWith("\"") ? key : "\"" + key + "\"";
  }

  private Map<String, String> replaceOne(Map<String, String> fields, String value) {
    if (fields.isEmpty()) {
      return withExtra(fields, "\"x\"", value);
    }
    fields.put(hostile.pick(new ArrayList<>(fields.keySet())), value);
    return fields;
  }

  private static Map<String, String> withExtra(Map<String, String> fields, String key, String v) {
    fields.put(key, v);
    return fields;
  }

  /** A known key written twice, with the same value or another. */
  private byte[] duplicateKey(Map<String, String> fields) {
    String body = new String(render(fields), StandardCharsets.UTF_8);
    String key = fields.isEmpty() ? "x" : hostile.pick(new ArrayList<>(fields.keySet()));
    String again =
        literal(key)
            + ":"
            + (hostile.percent(50) ? fields.getOrDefault(key, "1") : hostile.value());
    String joined =
        body.length() <= 2
            ? "{" + again + "," + again + "}"
            : body.substring(0, body.length() - 1) + "," + again + "}";
    return joined.getBytes(StandardCharsets.UTF_8);
  }

  /** No JSON object: empty, another JSON value, two objects, a prefix, garbage around it. */
  private byte[] notAnObject(byte[] object) {
    String text = new String(object, StandardCharsets.UTF_8);
    String body =
        switch (hostile.between(0, 13)) {
          case 0 -> "";
          case 1 -> " \r\n\t";
          case 2 -> "null";
          case 3 -> "[]";
          case 4 -> "[" + text + "]";
          case 5 -> "\"text\"";
          case 6 -> "123";
          case 7 -> text + text;
          case 8 -> text + "x";
          case 9 -> text.substring(0, hostile.between(0, text.length() - 1));
          case 10 -> "\ufeff" + text;
          case 11 -> "/* a comment */" + text + "// another\n";
          case 12 -> hostile.pick("{,}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{'a':1}", "{a:1}");
          default -> text.replace(":", ":\u0000");
        };
    return body.getBytes(StandardCharsets.UTF_8);
  }

  /** Some of the fields, maybe none. */
  private Map<String, String> someOf(Map<String, String> fields) {
    fields.keySet().removeIf(key -> hostile.percent(40));
    return fields;
  }

  /** Thousands of unknown fields, or one field holding a long array. */
  private Map<String, String> many(Map<String, String> fields) {
    if (hostile.percent(50)) {
      for (int i = hostile.between(100, 5_000); i > 0; i--) {
        fields.put("f" + i, "1");
      }
    } else {
      fields.put(
          hostile.pick(new ArrayList<>(fields.keySet().isEmpty() ? List.of("x") : fields.keySet())),
          "[" + "1,".repeat(hostile.between(1_000, 200_000)) + "1]");
    }
    return fields;
  }
}
