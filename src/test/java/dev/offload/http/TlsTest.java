package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP server with TLS from PEM files: the test-only self-signed pair in src/test/resources/tls
 * (its README says how it was made).
 */
class TlsTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private WebClient client;

  @AfterEach
  void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  private static String resource(String name) throws URISyntaxException {
    return Path.of(TlsTest.class.getResource("/tls/" + name).toURI()).toString();
  }

  private static TestNode startWithTls() throws Exception {
    return offload.start(
        Map.of(
            "OFFLOAD_HTTP_TLS_CERT_PATH", resource("server-cert.pem"),
            "OFFLOAD_HTTP_TLS_KEY_PATH", resource("server-key.pem"),
            "OFFLOAD_WORKER_INSTANCES", "0"));
  }

  private WebClient client(int port, boolean tls) throws URISyntaxException {
    WebClientOptions options =
        new WebClientOptions().setDefaultHost("localhost").setDefaultPort(port).setSsl(tls);
    if (tls) {
      // Trusts the test certificate alone, and checks that it names the host called.
      options
          .setTrustOptions(new PemTrustOptions().addCertPath(resource("server-cert.pem")))
          .setVerifyHost(true);
    }
    client = WebClient.create(offload.vertx(), options);
    return client;
  }

  @Test
  void with_a_certificate_and_key_the_node_serves_https() throws Exception {
    TestNode node = startWithTls();

    HttpResponse<Buffer> response = client(node.httpPort(), true).get("/health").send().await();

    assertEquals(200, response.statusCode());
    assertEquals(
        "UP", response.bodyAsJsonObject().getString("status"), "the JSON body arrives intact");
  }

  @Test
  void with_tls_on_plain_http_gets_no_answer() throws Exception {
    TestNode node = startWithTls();

    assertThrows(
        RuntimeException.class, () -> client(node.httpPort(), false).get("/health").send().await());
  }

  @Test
  void without_tls_configured_the_node_serves_plain_http() throws Exception {
    TestNode node = offload.start(Map.of("OFFLOAD_WORKER_INSTANCES", "0"));

    assertEquals(200, client(node.httpPort(), false).get("/health").send().await().statusCode());
  }
}
