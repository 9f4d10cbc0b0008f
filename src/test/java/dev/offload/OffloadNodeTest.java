package dev.offload;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.config.ConfigLoader;
import dev.offload.config.OffloadConfig;
import dev.offload.task.TaskHandlers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a node tells about itself when it starts, as the startup log prints it. No database needed.
 */
@ExtendWith(VertxExtension.class)
class OffloadNodeTest {

  /**
   * Nothing listens on port 1: the node's database part keeps retrying, which these tests do not
   * need.
   */
  private static final String UNREACHABLE_DATABASE = "postgresql://postgres@127.0.0.1:1/none";

  @Test
  void kinds_are_the_built_in_ones_and_those_found_on_the_class_path(Vertx vertx) {
    OffloadNode node =
        OffloadNode.start(vertx, config(0), Clock.systemUTC(), TaskHandlers.discover()).await();
    try {
      List<String> expected =
          List.of(
              "callback",
              "http",
              "image.thumbnail",
              "users.export",
              "users.import",
              "noop",
              "sleep");
      assertTrue(node.kinds().containsAll(expected), "kinds: " + node.kinds());
    } finally {
      node.stop().await();
    }
  }

  @Test
  void a_port_in_use_fails_the_start_with_the_address_in_the_message(Vertx vertx)
      throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Future<OffloadNode> start =
          OffloadNode.start(vertx, config(port), Clock.systemUTC(), TaskHandlers.discover());
      Throwable failure = assertThrows(Throwable.class, start::await);
      assertTrue(
          String.valueOf(failure.getMessage()).contains("127.0.0.1:" + port), failure.toString());
    }
  }

  private static OffloadConfig config(int port) {
    return ConfigLoader.load(
        Optional.empty(),
        Map.of(
            "OFFLOAD_HTTP_HOST", "127.0.0.1",
            "OFFLOAD_HTTP_PORT", String.valueOf(port),
            "OFFLOAD_HTTP_INSTANCES", "1",
            "OFFLOAD_DATABASE_URL", UNREACHABLE_DATABASE,
            "OFFLOAD_DATABASE_RETRY_INTERVAL", "1m",
            "OFFLOAD_WORKER_INSTANCES", "0"));
  }
}
