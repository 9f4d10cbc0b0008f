package dev.offload.fuzz;

import dev.offload.fuzz.HostileRequests.Focus;
import dev.offload.testing.Fuzz;
import dev.offload.testing.OffloadNodeExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Broken HTTP/1.1 on raw sockets ({@link HostileRequests}): the node answers with well-formed
 * responses below 500, every error with the JSON error body, or closes the connection; nothing is
 * logged, {@code /health} keeps answering, and the heap comes back to its baseline. The node's
 * connection timeouts are short, so that a request left unfinished costs a fraction of a second.
 */
@Fuzz
class RawHttpFuzzTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private static FuzzedNode node;
  private static FuzzCases cases;

  @BeforeAll
  static void start() throws InterruptedException {
    node =
        FuzzedNode.start(
            offload,
            Map.of(
                "OFFLOAD_HTTP_HEADER_TIMEOUT", "300ms",
                "OFFLOAD_HTTP_KEEP_ALIVE_TIMEOUT", "300ms",
                "OFFLOAD_HTTP_BODY_TIMEOUT", "1s",
                "OFFLOAD_HTTP_IDLE_TIMEOUT", "300ms"));
    // Each framing once, valid and not, so that what is made on first use is in the baseline.
    for (String request :
        List.of(
            "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "POST /tasks HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json"
                + "\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{}\n\r\nzz\r\n",
            "GET /" + "a".repeat(5_000) + " HTTP/1.1\r\n\r\n",
            "GET /health HTTP/1.1\r\nX: " + "a".repeat(9_000) + "\r\n\r\n",
            "BAD\r\n\r\n")) {
      new RawProbe(node.port(), List.of(request.getBytes(StandardCharsets.ISO_8859_1)), false)
          .exchange();
    }
    cases = node.warmedUp();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @TestFactory
  Stream<DynamicNode> broken_requests_get_well_formed_answers_below_500_or_a_closed_connection() {
    return Stream.of(
        cases.family(
            "broken request lines",
            200,
            hostile -> new HostileRequests(hostile).probe(node.port(), Focus.REQUEST_LINE)),
        cases.family(
            "broken headers",
            200,
            hostile -> new HostileRequests(hostile).probe(node.port(), Focus.HEADERS)),
        cases.family(
            "broken chunked framing",
            150,
            hostile -> new HostileRequests(hostile).probe(node.port(), Focus.CHUNKED_FRAMING)),
        node.heapBackToBaseline());
  }
}
