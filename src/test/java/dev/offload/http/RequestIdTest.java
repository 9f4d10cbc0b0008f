package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every answer carries an {@code X-Request-Id}: the client's when it is sane, else one the node
 * made, whether the request succeeded or failed, even before the router saw it. (That the id is
 * logged: {@code dev.offload.support.LogFormatTest}.)
 */
class RequestIdTest {

  private static final Pattern GENERATED =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withNode();

  /** A success, a 404, a 405, a 400 from a route (an id that is not a UUID). */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "GET, /health, 200",
    "GET, /no/such/route, 404",
    "PUT, /tasks, 405",
    "GET, /tasks/7, 400"
  })
  void a_sane_id_is_echoed_on_every_answer(String method, String path, int status) {
    String id = "client-id_1.2:3/abc~" + "x".repeat(100);

    HttpResponse<Buffer> response = send(method, path, id);

    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals(id, response.getHeader("X-Request-Id"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"GET, /health, 200", "GET, /no/such/route, 404", "PUT, /tasks, 405"})
  void without_an_id_each_answer_gets_a_new_one(String method, String path, int status) {
    HttpResponse<Buffer> first = send(method, path, null);
    HttpResponse<Buffer> second = send(method, path, null);

    assertEquals(status, first.statusCode());
    String id = first.getHeader("X-Request-Id");
    assertTrue(GENERATED.matcher(String.valueOf(id)).matches(), id);
    assertNotEquals(id, second.getHeader("X-Request-Id"));
  }

  /** Too long, a space, a control character (a forged log line), non-ASCII, empty. */
  @ParameterizedTest
  @ValueSource(strings = {"129", "a b", "a\tb", "café", ""})
  void an_insane_id_is_replaced_by_a_new_one(String given) {
    String insane = given.equals("129") ? "x".repeat(129) : given;

    for (String path : new String[] {"/health", "/no/such/route"}) {
      String id = send("GET", path, insane).getHeader("X-Request-Id");

      assertTrue(GENERATED.matcher(String.valueOf(id)).matches(), path + ": " + id);
    }
  }

  @Test
  void a_request_the_http_codec_cannot_parse_still_gets_an_id() throws IOException {
    String request =
        "GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: " + "p".repeat(9_000) + "\r\n\r\n";
    try (Socket socket = new Socket("127.0.0.1", offload.node().httpPort())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertTrue(response.startsWith("HTTP/1.1 431"), response);
      assertTrue(
          Pattern.compile("\r\nx-request-id: " + GENERATED.pattern() + "\r\n")
              .matcher(response.toLowerCase(Locale.ROOT))
              .find(),
          response);
    }
  }

  private static HttpResponse<Buffer> send(String method, String path, String requestId) {
    HttpRequest<Buffer> request = offload.client().request(HttpMethod.valueOf(method), path);
    if (requestId != null) {
      request.putHeader("X-Request-Id", requestId);
    }
    return request.send().await();
  }
}
