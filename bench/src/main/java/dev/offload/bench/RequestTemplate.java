package dev.offload.bench;

import dev.offload.bench.Options.UsageException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every request of a load run sends: method, path, body and the status it must answer. A {@code {id}} in the
 * path is replaced, request by request, with an id drawn uniformly from a range (e.g. {@code /users/{id}}).
 */
final class RequestTemplate {

  private static final Pattern HTTP_URL = Pattern.compile("http://([^/:]+):(\\d{1,5})(/.*)?");
  private static final String ID = "{id}";

  private final HttpMethod method;
  private final String host;
  private final int port;
  private final String path;
  private final Buffer body;
  private final int expectedStatus;
  private final long idMin;
  private final long idMax;
  private final long timeoutMillis;

  private RequestTemplate(HttpMethod method, String host, int port, String path, Buffer body, int expectedStatus,
      long idMin, long idMax, long timeoutMillis) {
    this.method = method;
    this.host = host;
    this.port = port;
    this.path = path;
    this.body = body;
    this.expectedStatus = expectedStatus;
    this.idMin = idMin;
    this.idMax = idMax;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * @param url    {@code http://host:port/path?query}, plain HTTP only (load goes to loopback)
   * @param body   request body, or null for none; sent as JSON
   * @param idRange {@code MIN-MAX} for {@code {id}} in the path, or null when the path has none
   */
  static RequestTemplate of(String url, String method, String body, int expectedStatus, String idRange,
      long timeoutMillis) {
    Matcher matcher = HTTP_URL.matcher(url);
    if (!matcher.matches()) {
      throw new UsageException("--url must be http://HOST:PORT/PATH, got " + url);
    }
    String path = matcher.group(3) == null ? "/" : matcher.group(3);
    long min = 0;
    long max = 0;
    if (path.contains(ID) != (idRange != null)) {
      throw new UsageException("--id-range goes with a {id} in the URL's path, and the other way round");
    }
    if (idRange != null) {
      String[] bounds = idRange.split("-", 2);
      try {
        min = Long.parseLong(bounds[0]);
        max = Long.parseLong(bounds[1]);
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        throw new UsageException("--id-range must be MIN-MAX, got " + idRange);
      }
      if (min > max) {
        throw new UsageException("--id-range must be MIN-MAX with MIN <= MAX, got " + idRange);
      }
    }
    HttpMethod httpMethod = HttpMethod.valueOf(method.toUpperCase(java.util.Locale.ROOT));
    return new RequestTemplate(httpMethod, matcher.group(1), Integer.parseInt(matcher.group(2)), path,
      body == null ? null : Buffer.buffer(body), expectedStatus, min, max, timeoutMillis);
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  /** A fresh options object per request: the id differs, and Vert.x may keep a reference to it. */
  RequestOptions next() {
    String uri = !path.contains(ID) ? path
      : path.replace(ID, Long.toString(ThreadLocalRandom.current().nextLong(idMin, idMax + 1)));
    RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(uri)
      .setTimeout(timeoutMillis);
    if (body != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    return options;
  }

  /** Shared by all requests: Vert.x only reads it. */
  Buffer body() {
    return body;
  }

  int expectedStatus() {
    return expectedStatus;
  }

  /**
   * The request as HTTP/1.1 bytes, for a generator that writes them itself: the same bytes every time, so the path
   * may not draw ids.
   */
  byte[] encoded() {
    if (path.contains(ID)) {
      throw new UsageException("this benchmark sends one fixed request: no {id} in its URL");
    }
    StringBuilder head = new StringBuilder()
      .append(method.name()).append(' ').append(path).append(" HTTP/1.1\r\n")
      .append("host: ").append(host).append(':').append(port).append("\r\n");
    byte[] content = body == null ? new byte[0] : body.getBytes();
    if (body != null) {
      head.append("content-type: application/json\r\n");
    }
    if (body != null || method == HttpMethod.POST || method == HttpMethod.PUT) {
      head.append("content-length: ").append(content.length).append("\r\n");
    }
    byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    byte[] request = Arrays.copyOf(headBytes, headBytes.length + content.length);
    System.arraycopy(content, 0, request, headBytes.length, content.length);
    return request;
  }

  long timeoutMillis() {
    return timeoutMillis;
  }

  String describe() {
    return method + " " + path;
  }
}
