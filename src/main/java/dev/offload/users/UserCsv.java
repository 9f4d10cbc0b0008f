package dev.offload.users;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The exchange formats of users. CSV (RFC 4180): a header line, fields quoted when they hold a
 * comma, a quote or a line break. NDJSON: one JSON object per line. An export can be imported
 * again: the import reads the {@code email} and {@code name} columns, wherever they are, and
 * ignores the others.
 */
final class UserCsv {

  static final String HEADER = "id,email,name,created_at,updated_at";

  private UserCsv() {}

  static String csvLine(User user) {
    return user.id()
        + ","
        + quote(user.email())
        + ","
        + quote(user.name())
        + ","
        + user.createdAt()
        + ","
        + user.updatedAt();
  }

  static String ndjsonLine(User user) {
    return new JsonObject()
        .put("id", user.id())
        .put("email", user.email())
        .put("name", user.name())
        .put("created_at", user.createdAt().toString())
        .put("updated_at", user.updatedAt().toString())
        .encode();
  }

  /**
   * The fields of one CSV line (without its line break).
   *
   * @throws IllegalArgumentException when a quote is not closed on the line
   */
  static List<String> fields(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.length() == 0) {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("a quoted field is not closed on its line");
    }
    fields.add(field.toString());
    return fields;
  }

  private static String quote(String value) {
    if (value.indexOf(',') < 0
        && value.indexOf('"') < 0
        && value.indexOf('\n') < 0
        && value.indexOf('\r') < 0) {
      return value;
    }
    return '"' + value.replace("\"", "\"\"") + '"';
  }
}
