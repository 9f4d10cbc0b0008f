package dev.offload.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One generated request, exactly as it is sent: method, request URI (already percent-encoded),
 * headers and body bytes. {@link #toString()} shows it so that it can be sent again by hand.
 */
record FuzzRequest(String method, String uri, Map<String, String> headers, byte[] body) {

  /** Bodies are shown up to this many bytes, then only their length. */
  private static final int SHOWN_BYTES = 500;

  static FuzzRequest of(String method, String uri) {
    return new FuzzRequest(method, uri, new LinkedHashMap<>(), new byte[0]);
  }

  FuzzRequest header(String name, String value) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put(name, value);
    return new FuzzRequest(method, uri, all, body);
  }

  FuzzRequest body(byte[] bytes) {
    return new FuzzRequest(method, uri, headers, bytes);
  }

  FuzzRequest body(String text) {
    return body(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The request as text: the body's printable ASCII as is, every other byte as {@code \xNN}. */
  @Override
  public String toString() {
    StringBuilder shown = new StringBuilder(method).append(' ').append(shorten(uri)).append('\n');
    headers.forEach((name, value) -> shown.append(name).append(": ").append(value).append('\n'));
    return shown
        .append("body (")
        .append(body.length)
        .append(" bytes): ")
        .append(show(body, SHOWN_BYTES))
        .toString();
  }

  /**
   * Up to {@code most} of {@code bytes}: printable ASCII as is, every other byte as {@code \xNN}.
   */
  static String show(byte[] bytes, int most) {
    StringBuilder shown = new StringBuilder();
    int length = Math.min(bytes.length, most);
    for (int i = 0; i < length; i++) {
      int b = bytes[i] & 0xff;
      if (b >= 0x20 && b < 0x7f && b != '\\') {
        shown.append((char) b);
      } else {
        shown.append(String.format("\\x%02x", b));
      }
    }
    if (length < bytes.length) {
      shown.append("... (").append(bytes.length - length).append(" more bytes)");
    }
    return shown.toString();
  }

  private static String shorten(String uri) {
    return uri.length() <= SHOWN_BYTES
        ? uri
        : uri.substring(0, SHOWN_BYTES) + "... (" + uri.length() + " characters in all)";
  }
}
