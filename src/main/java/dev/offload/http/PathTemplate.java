package dev.offload.http;

/**
 * Matches a request path against a route's path as Vert.x Web writes it: {@code :name} matches any
 * one non-empty segment, and a trailing {@code /*} any further segments, or none.
 */
final class PathTemplate {

  private PathTemplate() {}

  static boolean matches(String template, String path) {
    boolean prefix = template.endsWith("/*");
    String[] expected =
        (prefix ? template.substring(0, template.length() - 2) : template).split("/", -1);
    String[] actual = path.split("/", -1);
    if (prefix ? actual.length < expected.length : actual.length != expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      boolean parameter = expected[i].startsWith(":") && !actual[i].isEmpty();
      if (!parameter && !expected[i].equals(actual[i])) {
        return false;
      }
    }
    return true;
  }
}
