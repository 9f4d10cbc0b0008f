package dev.offload;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds SQL in the string literals of a Java source file, for {@link ArchitectureTest}: class files
 * cannot tell SQL written in a class from a *Sql constant the compiler copied into it. Comments may
 * name statements freely.
 */
final class SqlInSource {

  /**
   * What only SQL says: its clauses in capitals (the project writes SQL keywords in capitals), the
   * few statements that read alike in lower case, PostgreSQL's functions for notifications and
   * locks, and casts. Single words that prose or HTTP also use ({@code DELETE}, {@code select}) are
   * not enough on their own.
   */
  private static final Pattern SQL =
      Pattern.compile(
          String.join(
              "|",
              "\\b(SELECT|WHERE|RETURNING|LISTEN|NOTIFY|TRUNCATE)\\b",
              "\\b(INSERT\\s+INTO|DELETE\\s+FROM|UPDATE\\s+\\w+\\s+SET)\\b",
              "\\b(CREATE|ALTER|DROP)\\s+(TABLE|INDEX|SCHEMA|FUNCTION|TRIGGER|TYPE|EXTENSION|VIEW)\\b",
              "(?i:\\b(insert\\s+into|delete\\s+from|pg_notify|pg_advisory\\w*)\\b)",
              "::(int|integer|bigint|text|uuid|jsonb?|timestamptz|boolean|bytea|interval)\\b"));

  private SqlInSource() {}

  /** The string literals and text blocks of {@code javaSource} that look like SQL. */
  static List<String> literals(String javaSource) {
    return stringLiterals(javaSource).stream()
        .filter(literal -> SQL.matcher(literal).find())
        .toList();
  }

  /**
   * Every string literal and text block, escapes left as written; enough of Java's lexer to skip
   * comments.
   */
  static List<String> stringLiterals(String source) {
    List<String> literals = new ArrayList<>();
    int i = 0;
    while (i < source.length()) {
      if (source.startsWith("//", i)) {
        int end = source.indexOf('\n', i);
        i = end < 0 ? source.length() : end;
      } else if (source.startsWith("/*", i)) {
        i = closing(source, "*/", i + 2) + 2;
      } else if (source.charAt(i) == '\'') {
        i = closing(source, "'", i + 1) + 1;
      } else if (source.startsWith("\"\"\"", i)) {
        int end = closing(source, "\"\"\"", i + 3);
        literals.add(source.substring(i + 3, end));
        i = end + 3;
      } else if (source.charAt(i) == '"') {
        int end = closing(source, "\"", i + 1);
        literals.add(source.substring(i + 1, end));
        i = end + 1;
      } else {
        i++;
      }
    }
    return literals;
  }

  /** Where {@code delimiter} next occurs from {@code from}, not counting escaped characters. */
  private static int closing(String source, String delimiter, int from) {
    for (int i = from; i < source.length(); i++) {
      if (source.startsWith(delimiter, i)) {
        return i;
      }
      if (source.charAt(i) == '\\' && !delimiter.equals("*/")) {
        i++;
      }
    }
    throw new IllegalArgumentException("unterminated " + delimiter + " from offset " + from);
  }
}
