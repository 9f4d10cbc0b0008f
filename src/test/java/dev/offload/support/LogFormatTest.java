package dev.offload.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.task.TaskContext;
import dev.offload.task.TaskHandler;
import dev.offload.task.TaskHandlers;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import dev.offload.testing.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a node writes to standard error in each format, through the packaged logback.xml: a request
 * that fails with a 500, an attempt that fails and is retried, one that fails for good, and a line
 * a handler logs itself. JSON is one object per line, each with its level, logger and message, and
 * the request's or task's fields where they apply; plain text carries the same fields in brackets.
 */
class LogFormatTest {

  @RegisterExtension
  static final OffloadNodeExtension offload =
      OffloadNodeExtension.withoutNode()
          .handlers(TaskHandlers.discover(List.of(new BrokenValidation(), new Chatty())));

  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private PrintStream standardError;

  @AfterEach
  void restorePlainLogsOnStandardError() {
    if (standardError != null) {
      System.setErr(standardError);
    }
    LogFormat.PLAIN.use();
  }

  @Test
  void json_is_one_object_per_line_with_the_request_and_task_fields() throws Exception {
    Workload done = runWorkload(LogFormat.JSON, "req-json-1");

    List<JsonObject> lines = written().lines().map(LogFormatTest::parse).toList();
    for (JsonObject line : lines) {
      assertNotNull(line.getString("level"), line.encode());
      assertNotNull(line.getString("loggerName"), line.encode());
      assertNotNull(line.getString("formattedMessage"), line.encode());
      assertNotNull(line.getLong("timestamp"), line.encode());
    }
    JsonObject failed = one(lines, line -> "req-json-1".equals(mdc(line).getString("request_id")));
    assertEquals("ERROR", failed.getString("level"));
    assertEquals("dev.offload.http.FailureHandler", failed.getString("loggerName"));
    assertEquals("POST /tasks failed", failed.getString("formattedMessage"));
    assertEquals(
        "java.lang.IllegalStateException",
        failed.getJsonObject("throwable").getString("className"));

    List<JsonObject> failing = ofTask(lines, done.failing());
    assertEquals(2, failing.size(), failing.toString());
    assertEquals("INFO", failing.get(0).getString("level"));
    assertTrue(
        failing.get(0).getString("formattedMessage").startsWith("attempt 1 of 2 failed, retry at "),
        failing.get(0).encode());
    assertEquals("WARN", failing.get(1).getString("level"));
    assertEquals(
        "attempt 2 of 2 failed, no attempt left: java.lang.IllegalStateException: planned failure"
            + " on attempt 2",
        failing.get(1).getString("formattedMessage"));
    for (JsonObject line : failing) {
      assertEquals("dev.offload.dispatch.AttemptLog", line.getString("loggerName"));
      assertEquals("test.fail", mdc(line).getString("kind"));
    }

    JsonObject said = one(ofTask(lines, done.chatty()), line -> true);
    assertEquals(Chatty.class.getName(), said.getString("loggerName"));
    assertEquals("working on it", said.getString("formattedMessage"));
    assertEquals("test.chatty", mdc(said).getString("kind"));
  }

  @Test
  void plain_text_carries_the_same_fields_in_brackets() throws Exception {
    Workload done = runWorkload(LogFormat.PLAIN, "req-plain-1");

    List<String> lines = written().lines().toList();
    String failed = one(lines, line -> line.contains("[request_id=req-plain-1]"));
    assertTrue(
        failed.endsWith(
            " ERROR dev.offload.http.FailureHandler [request_id=req-plain-1]: POST /tasks failed"),
        failed);
    String discarded =
        one(lines, line -> line.contains("task_id=" + done.failing()) && line.contains(" WARN "));
    assertTrue(discarded.contains(" dev.offload.dispatch.AttemptLog ["), discarded);
    assertTrue(discarded.contains("kind=test.fail"), discarded);
    assertTrue(
        discarded.endsWith(
            "]: attempt 2 of 2 failed, no attempt left: java.lang.IllegalStateException: planned failure on attempt 2"),
        discarded);
    String said = one(lines, line -> line.contains("task_id=" + done.chatty()));
    assertTrue(said.endsWith("]: working on it"), said);
  }

  /** The tasks the workload ran: one failing twice, one logging a line of its own. */
  private record Workload(String failing, String chatty) {}

  /**
   * In {@code format}, on a captured standard error: a 500 for a request with {@code requestId}, a
   * task that fails both its attempts, and one whose handler logs.
   */
  private Workload runWorkload(LogFormat format, String requestId) throws Exception {
    format.use();
    standardError = System.err;
    System.setErr(new PrintStream(written, true, StandardCharsets.UTF_8));
    TestNode node = offload.start(Map.of("OFFLOAD_WORKER_INSTANCES", "1"));

    HttpResponse<Buffer> broken =
        node.client()
            .post("/tasks")
            .putHeader("X-Request-Id", requestId)
            .sendJsonObject(new JsonObject().put("kind", "test.broken_validation"))
            .await();
    assertEquals(500, broken.statusCode(), broken.bodyAsString());
    String failing = node.submit(Tasks.failing().maxAttempts(2));
    String chatty = node.submit(Tasks.of("test.chatty"));
    node.await(failing, Tasks.inState("discarded"));
    node.await(chatty, Tasks.inState("completed"));
    node.stop();
    System.setErr(standardError);
    return new Workload(failing, chatty);
  }

  private String written() {
    return written.toString(StandardCharsets.UTF_8);
  }

  private static JsonObject parse(String line) {
    try {
      return new JsonObject(line);
    } catch (DecodeException e) {
      throw new AssertionError("not a JSON object: " + line, e);
    }
  }

  private static JsonObject mdc(JsonObject line) {
    return line.getJsonObject("mdc");
  }

  private static List<JsonObject> ofTask(List<JsonObject> lines, String taskId) {
    return lines.stream().filter(line -> taskId.equals(mdc(line).getString("task_id"))).toList();
  }

  private static <T> T one(List<T> lines, Predicate<T> matching) {
    List<T> found = lines.stream().filter(matching).toList();
    assertEquals(1, found.size(), found.toString());
    return found.get(0);
  }

  /** {@code test.broken_validation}: its validation has a bug, so a submission is a 500. */
  static final class BrokenValidation implements TaskHandler {
    @Override
    public String kind() {
      return "test.broken_validation";
    }

    @Override
    public void validate(JsonObject args) {
      throw new IllegalStateException("a bug in the handler's validation");
    }

    @Override
    public Object run(TaskContext context) {
      return null;
    }
  }

  /** {@code test.chatty}: logs a line of its own as it runs. */
  static final class Chatty implements TaskHandler {
    private static final System.Logger LOG = System.getLogger(Chatty.class.getName());

    @Override
    public String kind() {
      return "test.chatty";
    }

    @Override
    public Object run(TaskContext context) {
      LOG.log(Level.INFO, "working on it");
      return null;
    }
  }
}
