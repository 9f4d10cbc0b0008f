package dev.offload.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.config.AllowedHosts;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import dev.offload.testing.TestNode;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The address an outbound call connects to: public, or named by the allow-list, whatever the host
 * name resolves to.
 */
class OutboundAddressesTest {

  private static InetAddress[] ips(String... literals) throws UnknownHostException {
    InetAddress[] addresses = new InetAddress[literals.length];
    for (int i = 0; i < literals.length; i++) {
      addresses[i] = InetAddress.getByName(literals[i]);
    }
    return addresses;
  }

  private static InetAddress choose(List<String> allowed, String... resolved) throws Exception {
    return OutboundAddresses.choose("hooks.example.com", ips(resolved), AllowedHosts.of(allowed));
  }

  @Nested
  class Choose {

    @Test
    void a_public_address_is_taken() throws Exception {
      assertEquals(
          InetAddress.getByName("93.184.216.34"),
          choose(List.of("hooks.example.com"), "93.184.216.34"));
    }

    @Test
    void a_host_that_resolves_to_loopback_is_refused_naming_the_address() {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> choose(List.of("hooks.example.com"), "127.0.0.1"));

      assertEquals(
          "host hooks.example.com resolves to 127.0.0.1 (loopback), not a public address;"
              + " outbound.allowed_hosts must name it (as 127.0.0.1 or in a range such as"
              + " 10.0.0.0/8) for a task to call it",
          e.getMessage());
    }

    @Test
    void the_cloud_metadata_address_and_an_ipv6_private_one_are_refused() {
      assertThrows(
          IllegalArgumentException.class,
          () -> choose(List.of("hooks.example.com"), "169.254.169.254"));
      assertThrows(
          IllegalArgumentException.class, () -> choose(List.of("hooks.example.com"), "fd00::5"));
    }

    @Test
    void a_private_address_named_as_an_ip_or_in_a_range_is_taken() throws Exception {
      assertEquals(
          InetAddress.getByName("127.0.0.1"),
          choose(List.of("hooks.example.com", "127.0.0.1:9999"), "127.0.0.1"));
      assertEquals(
          InetAddress.getByName("10.20.30.40"),
          choose(List.of("hooks.example.com", "10.0.0.0/8"), "10.20.30.40"));
      assertEquals(
          InetAddress.getByName("fd00::5"),
          choose(List.of("hooks.example.com", "fd00::/8"), "fd00::5"));
    }

    @Test
    void the_first_address_that_may_be_reached_is_taken() throws Exception {
      assertEquals(
          InetAddress.getByName("93.184.216.34"),
          choose(List.of("hooks.example.com"), "10.0.0.1", "93.184.216.34"));
      assertEquals(
          InetAddress.getByName("127.0.0.1"),
          choose(List.of("hooks.example.com", "127.0.0.1"), "::1", "127.0.0.1"));
    }
  }

  /** Real nodes calling a receiver on 127.0.0.1 by the name localhost. */
  @Nested
  class OverHttp {

    @RegisterExtension
    static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode().workers(1);

    private static int port;

    @BeforeAll
    static void startReceiver() {
      HttpServer receiver =
          offload
              .vertx()
              .createHttpServer()
              .requestHandler(request -> request.response().end("hello"))
              .listen(0, "127.0.0.1")
              .await();
      port = receiver.actualPort();
    }

    private JsonObject call(String allowedHosts) throws InterruptedException {
      TestNode node = offload.start(Map.of("OFFLOAD_OUTBOUND_ALLOWED_HOSTS", allowedHosts));
      String id = node.submit(Tasks.http("GET", "http://localhost:" + port + "/"));
      return node.await(id, Tasks.finished());
    }

    @Test
    void localhost_is_refused_while_only_its_name_is_listed() throws Exception {
      JsonObject task = call("localhost:" + port);

      assertEquals("discarded", task.getString("state"), task.encode());
      assertEquals(1, task.getInteger("attempt"), "refused, not retried");
      String error = task.getJsonArray("errors").getJsonObject(0).getString("message");
      assertTrue(error.contains("resolves to 127.0.0.1 (loopback)"), error);
    }

    @Test
    void localhost_is_called_once_127_0_0_1_is_listed_too() throws Exception {
      JsonObject task = call("localhost:" + port + ",127.0.0.1");

      assertEquals("completed", task.getString("state"), task.encode());
      assertEquals("hello", task.getJsonObject("result").getString("body"));
    }
  }
}
