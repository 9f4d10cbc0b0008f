package dev.offload.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whole HTTP/1.1 requests as bytes, made from a valid one and broken where an HTTP parser is
 * weakest: the request line (long or empty targets, control characters, broken escapes, bad methods
 * and versions, bare LF or CR line ends), the headers (too large, a {@code Content-Length} given
 * twice or not a number, both {@code Content-Length} and {@code Transfer-Encoding}, obsolete line
 * folding, NUL) and chunked framing (bad or overflowing sizes, a missing CRLF, extensions,
 * trailers); then cut into pieces, cut short, or followed by a second request on the same
 * connection.
 */
final class HostileRequests {

  private static final List<String> METHODS =
      List.of("", "get", "FOO", "G ET", "X".repeat(1_000), "CONNECT", "GET\u0000", "PRI", "TRACE");

  private static final List<String> VERSIONS =
      List.of(
          "HTTP/1.2",
          "HTTP/2.0",
          "HTTP/1.0",
          "HTTP/0.9",
          "",
          "HTTP/1",
          "HTTPS/1.1",
          "http/1.1",
          "HTTP/1.1 extra",
          "HTTP/11",
          "HTTP/1.1\u0000");

  private static final List<String> TARGETS =
      List.of(
          "*",
          "",
          "health",
          "http://127.0.0.1/health",
          "http://elsewhere.invalid/tasks",
          "127.0.0.1:80",
          "/health%",
          "/health%zz",
          "/tasks/%00",
          "/fetch-data/echo/..%2F..%2Fhealth",
          "/users/%ff%fe",
          "/health?%",
          "/tasks?limit=%C0%80",
          "/tasks/../health",
          "//health");

  private static final List<String> CONTENT_LENGTHS =
      List.of("-1", "abc", "+5", " 5", "0x10", "99999999999999999999", "", "1e3", "5, 5", "4 2");

  private static final List<String> TRANSFER_ENCODINGS =
      List.of(
          "chunked, identity",
          "identity",
          "gzip",
          "Chunked",
          "gzip, chunked",
          "chunked, chunked",
          "xchunked",
          " chunked",
          "chunked\u0000");

  private static final List<String> CHUNK_SIZES =
      List.of("zz", "-1", "ffffffffffffffffffff", "0x10", " 5", "5 ", "", "FFFFFFFF", "7fffffff");

  private static final byte[] CONTROL_BYTES = {
    0x00, 0x01, 0x09, 0x7f, (byte) 0xff, ' ', (byte) 0x80
  };

  private final Hostile hostile;

  // The request being broken, part by part.
  private String method;
  private String target;
  private String version = "HTTP/1.1";
  private final List<String> headers = new ArrayList<>();
  private byte[] body = new byte[0];
  private boolean chunked;
  private String lineEnd = "\r\n";
  private boolean brokenChunks;

  HostileRequests(Hostile hostile) {
    this.hostile = hostile;
  }

  /** The number of the last of {@link #breakOnce}'s ways to break a request. */
  private static final int LAST_BREAK = 16;

  /** Where a family of cases breaks requests; now and then anywhere else too. */
  enum Focus {
    REQUEST_LINE(0, 5),
    HEADERS(6, 14),
    CHUNKED_FRAMING(15, LAST_BREAK);

    private final int first;
    private final int last;

    Focus(int first, int last) {
      this.first = first;
      this.last = last;
    }
  }

  /** A valid request, broken once or twice, then cut up as sent. */
  RawProbe probe(int port, Focus focus) {
    valid();
    if (focus == Focus.CHUNKED_FRAMING) {
      chunked = true;
      brokenChunks = true;
    }
    for (int i = hostile.between(1, 2); i > 0; i--) {
      breakOnce(
          hostile.percent(80)
              ? hostile.between(focus.first, focus.last)
              : hostile.between(0, LAST_BREAK));
    }
    byte[] request = render();
    boolean finish = false;
    switch (hostile.between(0, 9)) {
      case 0 -> {
        request = Arrays.copyOf(request, hostile.between(0, request.length));
        finish = true;
      }
      case 1 -> {
        HostileRequests second = new HostileRequests(hostile);
        second.valid();
        if (hostile.percent(50)) {
          second.breakOnce(hostile.between(0, LAST_BREAK));
        }
        request = concat(request, second.render());
      }
      default -> {
        // sent whole
      }
    }
    return new RawProbe(port, pieces(request), finish);
  }

  /** One of the requests the node serves, valid as it is. */
  private void valid() {
    headers.add("Host: 127.0.0.1");
    if (hostile.percent(80)) {
      headers.add("Connection: close");
    }
    switch (hostile.between(0, 6)) {
      case 0 -> get("/health");
      case 1 -> get("/tasks?limit=1");
      case 2 -> get("/users/1");
      case 3 -> post("/tasks", "application/json", "{\"kind\":\"noop\",\"delay\":\"1h\"}", false);
      case 4 -> post("/tasks", "application/json", "{\"kind\":\"noop\",\"delay\":\"1h\"}", true);
      case 5 -> post("/users/import", "text/csv", "email,name\nraw@example.com,Raw\n", true);
      default -> {
        post("/admin/nodes/absent-node/workers", "application/json", "{\"instances\":1}", false);
        method = "PUT";
      }
    }
  }

  private void get(String path) {
    method = "GET";
    target = path;
  }

  private void post(String path, String contentType, String json, boolean inChunks) {
    method = "POST";
    target = path;
    headers.add("Content-Type: " + contentType);
    headers.add("Authorization: Bearer " + FuzzedNode.TOKEN);
    body = json.getBytes(StandardCharsets.UTF_8);
    chunked = inChunks;
  }

  private void breakOnce(int how) {
    switch (how) {
      case 0 -> target = "/" + "a".repeat(hostile.pick(4_000, 4_100, 8_000, 70_000));
      case 1 -> {
        byte control = CONTROL_BYTES[hostile.between(0, CONTROL_BYTES.length - 1)];
        target = insertAt(target, new String(new byte[] {control}, StandardCharsets.ISO_8859_1));
      }
      case 2 -> target = hostile.pick(TARGETS);
      case 3 -> method = hostile.pick(METHODS);
      case 4 -> version = hostile.pick(VERSIONS);
      case 5 -> lineEnd = hostile.pick("\n", "\r", "\r\r\n");
      case 6 -> headers.add("X-Big: " + "a".repeat(hostile.pick(8_000, 9_000, 70_000)));
      case 7 -> {
        for (int i = hostile.between(100, 400); i > 0; i--) {
          headers.add("X-H-" + i + ": v");
        }
      }
      case 8 -> headers.add("Content-Length: " + hostile.pick(CONTENT_LENGTHS));
      case 9 -> {
        // The length given twice, the same or not: a classic request-smuggling ambiguity.
        headers.add("Content-Length: " + body.length);
        headers.add("Content-Length: " + (hostile.percent(50) ? body.length : body.length + 1));
      }
      case 10 -> headers.add("Transfer-Encoding: " + hostile.pick(TRANSFER_ENCODINGS));
      case 11 -> {
        // Both framings at once.
        headers.add("Content-Length: " + hostile.between(0, 40));
        headers.add("Transfer-Encoding: chunked");
      }
      case 12 -> headers.add(hostile.pick("X-Folded: a\r\n b", "X-Folded: a\r\n\tb", " X-Lead: a"));
      case 13 ->
          headers.add(
              hostile.pick(
                  "X-Nul: a\u0000b",
                  "X-\u0000: a",
                  "NoColon",
                  "Host : x",
                  ": x",
                  "X-Bytes: \u00ff\u00fe",
                  "Host: 127.0.0.1",
                  "Expect: 100-continue",
                  "Expect: nonsense",
                  "Connection: upgrade\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA",
                  "Connection: upgrade\r\nUpgrade: websocket",
                  "Authorization: Bearer " + "t".repeat(5_000)));
      case 14 -> headers.removeIf(header -> header.startsWith("Host:"));
      case 15 -> chunked = true;
      default -> body = hostile.insert(body, hostile.notUtf8());
    }
  }

  private String insertAt(String text, String inserted) {
    int at = hostile.between(0, text.length());
    return text.substring(0, at) + inserted + text.substring(at);
  }

  /** The request as bytes: its framing is written here, chunked bodies broken now and then. */
  private byte[] render() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, method + " " + target + " " + version + lineEnd);
    boolean lengthGiven = headers.stream().anyMatch(h -> h.startsWith("Content-Length:"));
    for (String header : headers) {
      write(out, header + lineEnd);
    }
    if (chunked) {
      write(out, "Transfer-Encoding: chunked" + lineEnd + lineEnd);
      out.writeBytes(chunks());
    } else {
      if (!lengthGiven && body.length > 0) {
        write(out, "Content-Length: " + body.length + lineEnd);
      }
      write(out, lineEnd);
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  /** The body in chunks of random sizes; broken one time in three, or always when asked. */
  private byte[] chunks() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (at < body.length) {
      int size = Math.min(body.length - at, hostile.between(1, 16));
      String sizeLine = Integer.toHexString(size);
      if (hostile.percent(10)) {
        sizeLine += hostile.pick(";ext=1", ";ext=\"q\"", ";" + "e".repeat(9_000));
      }
      write(out, sizeLine + "\r\n");
      out.write(body, at, size);
      write(out, "\r\n");
      at += size;
    }
    if (brokenChunks || hostile.percent(33)) {
      switch (hostile.between(0, 4)) {
        case 0 -> write(out, hostile.pick(CHUNK_SIZES) + "\r\nabcde\r\n");
        case 1 -> write(out, "5\r\nabcdefgh\r\n");
        case 2 -> write(out, "5\r\nabcde");
        case 3 ->
            write(
                out,
                "0\r\n" + hostile.pick("X-Trailer: v\r\n", "garbage\r\n", "Content-Length: 5\r\n"));
        default -> {
          // no last chunk at all
          return out.toByteArray();
        }
      }
    }
    write(out, "0\r\n\r\n");
    return out.toByteArray();
  }

  /** One write, or up to five at random places. */
  private List<byte[]> pieces(byte[] request) {
    List<byte[]> pieces = new ArrayList<>();
    int from = 0;
    for (int cuts = hostile.percent(70) ? 0 : hostile.between(1, 4); cuts > 0; cuts--) {
      int cut = hostile.between(from, request.length);
      pieces.add(Arrays.copyOfRange(request, from, cut));
      from = cut;
    }
    pieces.add(Arrays.copyOfRange(request, from, request.length));
    return pieces;
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }
}
