package dev.offload.users;

import io.vertx.core.json.JsonObject;

/**
 * The exchange formats of users. CSV (RFC 4180): a header line, fields quoted when they hold a
 * comma, a quote or a line break. NDJSON: one JSON object per line. An export can be imported
 * again: the import ({@link CsvRecordReader}) reads the {@code email} and {@code name} columns,
 * wherever they are, and ignores the others.
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
