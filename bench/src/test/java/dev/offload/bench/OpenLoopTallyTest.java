package dev.offload.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class OpenLoopTallyTest {

  private static final long MILLI = 1_000_000;
  private static final Buffer OVERLOADED = Buffer.buffer("{\"error\":{\"code\":\"overloaded\",\"message\":\"busy\"}}");

  private final OpenLoopTally tally = new OpenLoopTally(202, "overloaded");

  @Test
  void accepted_and_refused_requests_have_latencies_of_their_own() {
    tally.answered(new OpenLoopTally.Answer(202, null, Buffer.buffer("{}")), 40 * MILLI, 10 * MILLI);
    tally.answered(new OpenLoopTally.Answer(202, null, Buffer.buffer("{}")), 60 * MILLI, 20 * MILLI);
    tally.answered(new OpenLoopTally.Answer(503, "1", OVERLOADED), 2 * MILLI, MILLI);

    JsonObject figures = tally.figures(2);

    assertEquals(2, figures.getLong("accepted"));
    assertEquals(1.0, figures.getDouble("accepted_per_s"));
    assertEquals(60.0, figures.getDouble("accepted_max_ms"), 0.1);
    assertEquals(1, figures.getLong("refused"));
    assertEquals(33.3, figures.getDouble("refused_pct"));
    assertEquals(2.0, figures.getDouble("refused_p99_ms"), 0.01);
    // Timed from when they left the generator, apart from the wait in it.
    assertEquals(20.0, figures.getDouble("accepted_sent_p99_ms"), 0.1);
    assertEquals(1.0, figures.getDouble("refused_sent_p99_ms"), 0.01);
    assertEquals(0, figures.getLong("errors"));
  }

  @Test
  void a_503_without_retry_after_or_with_another_code_is_an_error() {
    tally.answered(new OpenLoopTally.Answer(503, null, OVERLOADED), MILLI, MILLI);
    tally.answered(new OpenLoopTally.Answer(503, "1",
      Buffer.buffer("{\"error\":{\"code\":\"database_unavailable\",\"message\":\"away\"}}")), MILLI, MILLI);
    tally.answered(new OpenLoopTally.Answer(503, "1", Buffer.buffer("not json")), MILLI, MILLI);

    JsonObject figures = tally.figures(1);

    assertEquals(3, figures.getLong("refused"));
    assertEquals(1, figures.getLong("refused_without_retry_after"));
    assertEquals(2, figures.getLong("refused_other_code"));
    assertEquals(3, figures.getLong("errors"));
  }

  @Test
  void other_statuses_timeouts_and_broken_connections_are_errors() {
    tally.answered(new OpenLoopTally.Answer(500, null, Buffer.buffer("{}")), MILLI, MILLI);
    tally.failed(new TimeoutException("no answer"));
    tally.failed(new IOException("connection reset"));
    tally.unsent(2);

    JsonObject figures = tally.figures(1);

    assertEquals(0, figures.getLong("accepted"));
    assertEquals(1, figures.getLong("other_statuses"));
    assertEquals(1, figures.getLong("timeouts"));
    assertEquals(3, figures.getLong("failures"));
    assertEquals(5, figures.getLong("errors"));
  }
}
