package dev.offload.users;

import io.vertx.core.json.JsonObject;

/**
 * The exchange formats of users. CSV (RFC 4180): a header line, fields quoted when they hold a
 * comma, a quote or a line break, and any cell that a spreadsheet would run as a formula
 * neutralised ({@link FormulaGuard}). NDJSON: one JSON object per line, values as stored. An export
 * can be imported again: the import ({@link CsvRecordReader}) reads the {@code email} and {@code
 * name} columns, wherever they are, ignores the others, and undoes the neutralising.
 */
final class UserCsv {

  static final String HEADER = "id,email,name,created_at,updated_at";

  private UserCsv() {}

  static String csvLine(User user) {
    return String.join(
        ",",
        cell(String.valueOf(user.id())),
        cell(user.email()),
        cell(user.name()),
        cell(user.createdAt().toString()),
        cell(user.updatedAt().toString()));
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

  /** A value as a CSV cell: neutralised, then quoted if it must be. */
  static String cell(String value) {
    String text = FormulaGuard.neutralise(value);
    if (text.indexOf(',') < 0
        && text.indexOf('"') < 0
        && text.indexOf('\n') < 0
        && text.indexOf('\r') < 0) {
      return text;
    }
    return '"' + text.replace("\"", "\"\"") + '"';
  }

  /** The value an imported cell stands for: {@link #cell} undone, after the CSV reading. */
  static String value(String cell) {
    return FormulaGuard.restore(cell);
  }
}
