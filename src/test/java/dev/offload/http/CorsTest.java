package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CORS: off by default, on for the configured origins only. */
class CorsTest {

  private static final String TOKEN = "cors-test-token";
  private static final String APP = "https://app.example.com";
  private static final String OTHER = "https://evil.example.com";

  @RegisterExtension
  static final OffloadNodeExtension offload =
      OffloadNodeExtension.withoutNode().workers(0).env("OFFLOAD_API_TOKEN", TOKEN);

  private static HttpRequest<Buffer> preflight(WebClient client, String origin) {
    return client
        .request(HttpMethod.OPTIONS, "/tasks")
        .putHeader("origin", origin)
        .putHeader("access-control-request-method", "POST")
        .putHeader("access-control-request-headers", "authorization, content-type");
  }

  private static HttpResponse<Buffer> read(WebClient client, String origin) {
    return client
        .get("/tasks")
        .putHeader("origin", origin)
        .bearerTokenAuthentication(TOKEN)
        .send()
        .await();
  }

  private static void assertNoCorsHeaders(HttpResponse<Buffer> response) {
    assertTrue(
        response.headers().names().stream()
            .noneMatch(name -> name.toLowerCase().startsWith("access-control-")),
        response.headers().toString());
  }

  @Test
  void by_default_no_origin_gets_cors_headers() throws InterruptedException {
    WebClient client = offload.start().client();

    HttpResponse<Buffer> response = read(client, APP);
    assertEquals(200, response.statusCode());
    assertNoCorsHeaders(response);
    HttpResponse<Buffer> preflight = preflight(client, APP).send().await();
    assertNotEquals(204, preflight.statusCode());
    assertNoCorsHeaders(preflight);
  }

  @Nested
  class WithAnOriginConfigured {

    private WebClient start() throws InterruptedException {
      // Written as an operator might: the default port and a capital letter are normalised.
      return offload
          .start(
              Map.of(
                  "OFFLOAD_HTTP_CORS_ALLOWED_ORIGINS",
                  "https://App.example.com:443, http://localhost:3000"))
          .client();
    }

    @Test
    void its_preflight_is_answered_without_a_token() throws InterruptedException {
      HttpResponse<Buffer> response = preflight(start(), APP).send().await();

      assertEquals(204, response.statusCode(), response.bodyAsString());
      assertEquals(APP, response.getHeader("access-control-allow-origin"));
      assertTrue(response.getHeader("access-control-allow-methods").contains("POST"));
      assertTrue(response.getHeader("access-control-allow-headers").contains("authorization"));
      assertEquals("600", response.getHeader("access-control-max-age"));
    }

    @Test
    void its_requests_get_the_headers_and_so_do_their_refusals() throws InterruptedException {
      WebClient client = start();

      HttpResponse<Buffer> response = read(client, APP);
      assertEquals(200, response.statusCode());
      assertEquals(APP, response.getHeader("access-control-allow-origin"));
      assertTrue(response.getHeader("access-control-expose-headers").contains("location"));
      assertTrue(response.getHeader("vary").toLowerCase().contains("origin"));

      HttpResponse<Buffer> refused = client.get("/tasks").putHeader("origin", APP).send().await();
      assertEquals(401, refused.statusCode());
      assertEquals(APP, refused.getHeader("access-control-allow-origin"));
    }

    @Test
    void other_origins_get_no_cors_headers_but_are_not_refused() throws InterruptedException {
      WebClient client = start();

      HttpResponse<Buffer> response = read(client, OTHER);
      assertEquals(200, response.statusCode(), "the browser, not the node, keeps the page out");
      assertNoCorsHeaders(response);
      assertTrue(response.getHeader("vary").toLowerCase().contains("origin"));
      HttpResponse<Buffer> preflight = preflight(client, OTHER).send().await();
      assertNotEquals(204, preflight.statusCode());
      assertNoCorsHeaders(preflight);
    }

    @Test
    void requests_without_an_origin_are_served_as_ever() throws InterruptedException {
      HttpResponse<Buffer> response =
          start().get("/tasks").bearerTokenAuthentication(TOKEN).send().await();

      assertEquals(200, response.statusCode());
      assertNoCorsHeaders(response);
    }
  }
}
