package dev.offload.upstream;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * A path, with an optional query, to call under an upstream's base URL, rebuilt so that the call
 * cannot leave that upstream: each segment is decoded once, checked and encoded again, so {@code
 * ..}, {@code %2e%2e}, {@code ..%2F}, {@code //host}, {@code http://host/}, backslashes and control
 * characters (raw or encoded, CR and LF included) are refused instead of being passed on for the
 * upstream or a proxy to interpret.
 */
public final class UpstreamPath {

  private static final int MAX_LENGTH = 2048;

  /** RFC 3986 unreserved, sub-delims, ':' and '@': what a path segment may carry unencoded. */
  private static final String SEGMENT_SAFE = "-._~!$&'()*+,;=:@";

  private static final String QUERY_SAFE = SEGMENT_SAFE + "/?";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final String uri;

  private UpstreamPath(String uri) {
    this.uri = uri;
  }

  /**
   * @param text a path relative to the base URL, percent-encoded, with or without a leading slash,
   *     optionally followed by {@code ?query}
   * @throws IllegalArgumentException saying why, fit for a client
   */
  public static UpstreamPath parse(String text) {
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("is longer than " + MAX_LENGTH + " characters");
    }
    if (text.chars().anyMatch(c -> c == '\\' || c == '#' || isControl(c))) {
      throw new IllegalArgumentException("contains a backslash, '#' or a control character");
    }
    int question = text.indexOf('?');
    String path = question < 0 ? text : text.substring(0, question);
    String query = question < 0 ? "" : text.substring(question + 1);
    if (path.contains("://")) {
      throw new IllegalArgumentException(
          "is an absolute URL; give a path under the upstream's base URL");
    }
    String relative = path.startsWith("/") ? path.substring(1) : path;
    StringBuilder uri = new StringBuilder();
    String[] segments = relative.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (segments[i].isEmpty() && i < segments.length - 1) {
        throw new IllegalArgumentException("contains an empty segment (//)");
      }
      uri.append('/').append(encode(checkedSegment(decode(segments[i]))));
    }
    if (!query.isEmpty()) {
      uri.append('?').append(checkedQuery(query));
    }
    return new UpstreamPath(uri.toString());
  }

  /** The path and query to append to the base URL's path, starting with {@code /}. */
  public String uri() {
    return uri;
  }

  @Override
  public String toString() {
    return uri;
  }

  private static String checkedSegment(String segment) {
    if (segment.equals(".") || segment.equals("..")) {
      throw new IllegalArgumentException("contains a dot segment (. or ..)");
    }
    // An encoded '/' would split the segment upstream; an encoded '%' would be decoded a second
    // time there.
    if (segment.chars().anyMatch(c -> c == '/' || c == '\\' || c == '%' || isControl(c))) {
      throw new IllegalArgumentException(
          "encodes '/', '\\', '%' or a control character in a segment");
    }
    return segment;
  }

  private static String checkedQuery(String query) {
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c == '%') {
        continue; // checked by decode()
      }
      if (!isAsciiAlphanumeric(c) && QUERY_SAFE.indexOf(c) < 0) {
        throw new IllegalArgumentException("has a query with an unencoded '" + c + "'");
      }
    }
    if (decode(query).chars().anyMatch(UpstreamPath::isControl)) {
      throw new IllegalArgumentException("encodes a control character in the query");
    }
    return query;
  }

  /**
   * Strict percent-decoding into UTF-8; unlike URLDecoder, '+' stays a '+' as it should in a path.
   */
  private static String decode(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int literalStart = 0;
    for (int i = text.indexOf('%'); i >= 0; i = text.indexOf('%', literalStart)) {
      bytes.writeBytes(text.substring(literalStart, i).getBytes(StandardCharsets.UTF_8));
      int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
      int low = high < 0 ? -1 : Character.digit(text.charAt(i + 2), 16);
      if (low < 0) {
        throw new IllegalArgumentException("has a '%' not followed by two hex digits");
      }
      bytes.write(high * 16 + low);
      literalStart = i + 3;
    }
    bytes.writeBytes(text.substring(literalStart).getBytes(StandardCharsets.UTF_8));
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("percent-encodes bytes that are not UTF-8");
    }
  }

  private static String encode(String segment) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (isAsciiAlphanumeric(c) || SEGMENT_SAFE.indexOf(c) >= 0) {
        encoded.append(c);
      } else {
        encoded.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    return encoded.toString();
  }

  private static boolean isAsciiAlphanumeric(int c) {
    return c < 128 && Character.isLetterOrDigit(c);
  }

  private static boolean isControl(int c) {
    return c < 0x20 || c == 0x7f;
  }
}
