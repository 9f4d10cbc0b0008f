package dev.offload.outbound;

import dev.offload.support.Durations;
import dev.offload.task.AsyncTaskHandler;
import dev.offload.task.TaskContext;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code http}: delivers one HTTP request to an allow-listed host. Args: {@code url} (required),
 * {@code method} (default GET), {@code headers} (names to string values), {@code body} (a string as
 * is, or JSON), {@code timeout} (default 30s). Result: status, headers and the first 4 KiB of the
 * body. See {@link OutboundCalls} for what is retried.
 */
public final class HttpTaskHandler implements AsyncTaskHandler {

  private static final Set<String> ARGS = Set.of("url", "method", "headers", "body", "timeout");
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}");
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

  private final OutboundCalls calls;

  public HttpTaskHandler(OutboundCalls calls) {
    this.calls = calls;
  }

  @Override
  public String kind() {
    return "http";
  }

  @Override
  public void validate(JsonObject args) {
    for (String name : args.fieldNames()) {
      if (!ARGS.contains(name)) {
        throw new IllegalArgumentException(
            "unknown args." + name + "; allowed: body, headers, method, timeout, url");
      }
    }
    if (!(args.getValue("url") instanceof String url)) {
      throw new IllegalArgumentException("args.url is required: the URL to call");
    }
    calls.allowedHosts().check(url);
    method(args);
    headers(args);
    timeout(args);
    Object body = args.getValue("body");
    if (body != null
        && !(body instanceof String || body instanceof JsonObject || body instanceof JsonArray)) {
      throw new IllegalArgumentException("args.body must be a string or JSON");
    }
  }

  @Override
  public Future<Object> start(TaskContext context, Vertx vertx) {
    JsonObject args = context.args();
    MultiMap headers = headers(args);
    Object body = args.getValue("body");
    Buffer payload = null;
    if (body instanceof String text) {
      payload = Buffer.buffer(text);
    } else if (body != null) {
      payload = Buffer.buffer(body.toString());
      if (!headers.contains("content-type")) {
        headers.set("content-type", "application/json");
      }
    }
    return calls.send(
        method(args), args.getString("url"), headers, payload, timeout(args), context);
  }

  private static HttpMethod method(JsonObject args) {
    Object method = args.getValue("method", "GET");
    if (!(method instanceof String name) || !METHODS.contains(name.toUpperCase())) {
      throw new IllegalArgumentException(
          "args.method must be one of " + String.join(", ", METHODS));
    }
    return HttpMethod.valueOf(name.toUpperCase());
  }

  private static MultiMap headers(JsonObject args) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    Object given = args.getValue("headers");
    if (given == null) {
      return headers;
    }
    if (!(given instanceof JsonObject map) || map.size() > 50) {
      throw new IllegalArgumentException(
          "args.headers must be an object of at most 50 header names to strings");
    }
    for (String name : map.fieldNames()) {
      if (!HEADER_NAME.matcher(name).matches()
          || name.equalsIgnoreCase("host")
          || name.equalsIgnoreCase("content-length")
          || !(map.getValue(name) instanceof String value)
          || value.indexOf('\r') >= 0
          || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException(
            "args.headers: '" + name + "' is not an allowed header with a string value");
      }
      headers.add(name, value);
    }
    return headers;
  }

  private static Duration timeout(JsonObject args) {
    Object timeout = args.getValue("timeout");
    if (timeout == null) {
      return DEFAULT_TIMEOUT;
    }
    if (!(timeout instanceof String) && !(timeout instanceof Number)) {
      throw new IllegalArgumentException("args.timeout must be a duration such as \"10s\"");
    }
    try {
      return Durations.parse(String.valueOf(timeout), Duration.ofMillis(100), MAX_TIMEOUT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("args.timeout: " + e.getMessage());
    }
  }
}
