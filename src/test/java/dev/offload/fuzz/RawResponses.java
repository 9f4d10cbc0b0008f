package dev.offload.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a server sent on one connection as HTTP/1.x responses, one after the other, each
 * framed by its {@code Content-Length} or chunked, and holds each to {@link Answers}. Nothing else
 * may be there: no bytes that are not a response, no response cut short.
 *
 * <p>One exception, a finding reported: Vert.x itself answers a request line whose version is not
 * exactly {@code HTTP/1.0} or {@code HTTP/1.1} ({@code HTTP/1.2}, {@code HTTP/2.0}, {@code
 * http/1.1}) with a 501 and no body, its status line repeating that version, before any handler of
 * ours sees the request ({@link #UNSUPPORTED_VERSION}).
 */
final class RawResponses {

  static final String UNSUPPORTED_VERSION =
      "Vert.x 5.0.10 answers a request whose version is not HTTP/1.0 or HTTP/1.1 itself"
          + " (Http1xServerRequestHandler): '<that version> 501 Not Implemented', no body, then"
          + " it closes the connection; the application never sees the request, so it cannot"
          + " answer 400 or 505 with its JSON error body";

  private static final Pattern STATUS_LINE = Pattern.compile("(\\S+) (\\d{3})( .*)?");

  /** HTTP/1.0 too: the answer to a request whose version could not be read says 1.0. */
  private static final Pattern SUPPORTED_VERSION = Pattern.compile("HTTP/1\\.[01]");

  private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final byte[] bytes;
  private final boolean versionUnsupported;
  private String known;
  private int at;

  private RawResponses(byte[] bytes, boolean versionUnsupported) {
    this.bytes = bytes;
    this.versionUnsupported = versionUnsupported;
  }

  /**
   * Checks every response in {@code received}, which may hold none (the server closed the
   * connection without answering).
   *
   * @param sent the bytes sent, for the versions their request lines name
   * @return the known finding that the responses show, if any
   */
  static Optional<String> check(byte[] received, byte[] sent) {
    RawResponses responses = new RawResponses(received, namesUnsupportedVersion(sent));
    while (responses.at < received.length) {
      responses.next();
    }
    return Optional.ofNullable(responses.known);
  }

  /** Whether a line of {@code sent} looks like a request line whose version Vert.x refuses. */
  private static boolean namesUnsupportedVersion(byte[] sent) {
    for (String line : new String(sent, StandardCharsets.ISO_8859_1).split("\r\n|\n|\r")) {
      String[] parts = line.split(" ");
      String last = parts[parts.length - 1];
      if (parts.length >= 3 && last.contains("/") && !SUPPORTED_VERSION.matcher(last).matches()) {
        return true;
      }
    }
    return false;
  }

  private void next() {
    int end = indexOf(END_OF_HEAD, at);
    assertTrue(end >= 0, "a response whose head never ends: " + rest());
    String head = ascii(at, end);
    String[] lines = head.split("\r\n", -1);
    Matcher status = STATUS_LINE.matcher(lines[0]);
    assertTrue(status.matches(), "not a status line: " + rest());
    int code = Integer.parseInt(status.group(2));
    at = end + END_OF_HEAD.length;
    if (versionUnsupported && code == 501 && head.endsWith("\r\ncontent-length: 0")) {
      known = UNSUPPORTED_VERSION;
      return;
    }
    assertTrue(
        SUPPORTED_VERSION.matcher(status.group(1)).matches(), "not an HTTP/1.x status: " + head);
    String contentType = null;
    String contentLength = null;
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      assertTrue(colon > 0, "a header line without a name: " + lines[i]);
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      switch (name) {
        case "content-type" -> contentType = value;
        case "content-length" -> contentLength = value;
        case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
        default -> {
          // Other headers say nothing about the framing.
        }
      }
    }
    if (code < 200 || code == 204 || code == 304) {
      return;
    }
    byte[] body = chunked ? chunks() : contentLength != null ? exactly(contentLength) : toEnd();
    try {
      Answers.check(code, contentType, new String(body, StandardCharsets.UTF_8), false);
    } catch (AssertionError e) {
      throw new AssertionError(
          "answered " + code + " " + new String(body, StandardCharsets.UTF_8), e);
    }
  }

  private byte[] exactly(String contentLength) {
    int length = Integer.parseInt(contentLength);
    assertTrue(at + length <= bytes.length, "a body shorter than its Content-Length: " + rest());
    byte[] body = Arrays.copyOfRange(bytes, at, at + length);
    at += length;
    return body;
  }

  /** A body framed by the end of the connection. */
  private byte[] toEnd() {
    byte[] body = Arrays.copyOfRange(bytes, at, bytes.length);
    at = bytes.length;
    return body;
  }

  private byte[] chunks() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      int lineEnd = indexOf(CRLF, at);
      assertTrue(lineEnd >= 0, "a chunk size line cut short: " + rest());
      int size = Integer.parseInt(ascii(at, lineEnd).split(";")[0].trim(), 16);
      at = lineEnd + CRLF.length;
      if (size == 0) {
        // Trailers, if any, then an empty line: the end of the chunked body.
        int trailersEnd = indexOf(END_OF_HEAD, at - CRLF.length);
        assertTrue(trailersEnd >= 0, "a chunked body that never ends: " + rest());
        at = trailersEnd + END_OF_HEAD.length;
        return body.toByteArray();
      }
      assertTrue(at + size + CRLF.length <= bytes.length, "a chunk cut short: " + rest());
      body.write(bytes, at, size);
      at += size + CRLF.length;
    }
  }

  private int indexOf(byte[] wanted, int from) {
    for (int i = Math.max(0, from); i + wanted.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + wanted.length, wanted, 0, wanted.length)) {
        return i;
      }
    }
    return -1;
  }

  private String ascii(int from, int to) {
    return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
  }

  private String rest() {
    return ascii(at, Math.min(bytes.length, at + 500));
  }
}
