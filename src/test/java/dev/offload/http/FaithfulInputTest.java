package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a client sends is stored as sent, or refused with a 400 naming the field: never changed on
 * the way. Before, a repeated key silently kept its last value, {@code 1e-400} became 0, extra
 * digits were dropped, and bytes that are not UTF-8 became U+FFFD.
 */
class FaithfulInputTest {

  @RegisterExtension
  static final OffloadNodeExtension offload =
      OffloadNodeExtension.withNode().role("api").env("OFFLOAD_API_TOKEN", "secret");

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"kind\": \"noop\", \"args\": {\"x\": 1, \"x\": 2}}|args.x is given twice",
        "{\"kind\": \"noop\", \"kind\": \"sleep\"}|kind is given twice",
        "{\"kind\": \"noop\", \"args\": {\"l\": [{\"a\": 1, \"a\": 1}]}}|args.l[0].a is given twice",
        "{\"kind\": \"noop\", \"args\": {\"x\": 1e-400}}|args.x is 1e-400",
        "{\"kind\": \"noop\", \"args\": {\"l\": [0, -2.5e-330]}}|args.l[1] is -2.5e-330",
        "{\"kind\": \"noop\", \"args\": {\"pi\": 3.14159265358979323846}}|args.pi is 3.14",
        "{\"kind\": \"noop\", \"priority\": 1.0000000000000000001}|priority is"
      })
  void a_repeated_key_or_an_inexact_number_is_a_400_naming_the_field(String body, String says) {
    String message = assertError(postTask(body.getBytes(StandardCharsets.UTF_8)), 400);
    assertTrue(message.startsWith(says), message);
    assertEquals(0, taskCount());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "ff", // never valid
        "c080", // an overlong NUL
        "eda080", // a surrogate, encoded as if a character (CESU-8)
        "e282", // cut short
        "f4908080" // beyond U+10FFFF
      })
  void bytes_that_are_not_utf8_are_a_400_naming_the_field(String hex) {
    byte[] body = concat("{\"kind\": \"noop\", \"args\": {\"name\": \"a", hex, "\"}}");
    HttpResponse<Buffer> response = postTask(body);
    String message = assertError(response, 400, "invalid_json");
    assertTrue(message.contains("UTF-8") && message.contains("args.name"), message);
    assertEquals(0, taskCount());
  }

  @Test
  void numbers_are_stored_as_sent() {
    String args =
        "{\"a\": 0.1, \"b\": 1e2, \"c\": -0.0, \"d\": 123456789012345678901234567890,"
            + " \"e\": 1.7976931348623157e308, \"f\": 4.9e-324, \"g\": 0.30000000000000004}";
    HttpResponse<Buffer> response =
        postTask(("{\"kind\": \"noop\", \"args\": " + args + "}").getBytes(StandardCharsets.UTF_8));
    assertEquals(202, response.statusCode(), response.bodyAsString());
    String id = response.bodyAsJsonObject().getString("id");
    // Compared as PostgreSQL's numbers: each equal to the number sent, whatever its notation.
    var row =
        offload
            .sql(
                "SELECT args->'a' = '0.1'::jsonb, args->'b' = '100'::jsonb, args->'c' = '0'::jsonb,"
                    + " args->'d' = '123456789012345678901234567890'::jsonb,"
                    + " args->'e' = '1.7976931348623157e308'::jsonb,"
                    + " args->'f' = '4.9e-324'::jsonb, args->'g' = '0.30000000000000004'::jsonb"
                    + " FROM offload_task_all WHERE id = $1",
                java.util.UUID.fromString(id))
            .iterator()
            .next();
    for (int i = 0; i < 7; i++) {
      assertEquals(true, row.getBoolean(i), "args field " + (char) ('a' + i));
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "",
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=iso-8859-1",
        "application/json; charset=utf-16"
      })
  void a_body_that_is_not_utf8_json_is_a_415(String contentType) {
    for (String[] route :
        new String[][] {
          {"POST", "/tasks", "{\"kind\": \"noop\"}"},
          {"POST", "/tasks/batch", "{\"tasks\": [{\"kind\": \"noop\"}]}"},
          {"POST", "/users", "{\"email\": \"a@example.com\", \"name\": \"A\"}"},
          {"PUT", "/admin/nodes/test-node/workers", "{\"instances\": 1}"}
        }) {
      HttpRequest<Buffer> request =
          offload
              .client()
              .request(HttpMethod.valueOf(route[0]), route[1])
              .putHeader("authorization", "Bearer secret");
      if (!contentType.isEmpty()) {
        request.putHeader("content-type", contentType);
      }
      HttpResponse<Buffer> response = request.sendBuffer(Buffer.buffer(route[2])).await();
      assertError(response, 415, "unsupported_media_type");
    }
    assertEquals(0, taskCount());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "application/json",
        "application/json; charset=UTF-8",
        "Application/JSON;charset=\"utf-8\""
      })
  void json_in_utf8_is_taken_with_or_without_its_charset(String contentType) {
    HttpResponse<Buffer> response =
        offload
            .client()
            .post("/tasks")
            .putHeader("authorization", "Bearer secret")
            .putHeader("content-type", contentType)
            .sendBuffer(Buffer.buffer("{\"kind\": \"noop\"}"))
            .await();
    assertEquals(202, response.statusCode(), response.bodyAsString());
  }

  @Test
  void a_user_with_a_repeated_key_is_refused_not_half_taken() {
    HttpResponse<Buffer> response =
        offload
            .client()
            .post("/users")
            .putHeader("authorization", "Bearer secret")
            .putHeader("content-type", "application/json")
            .sendBuffer(
                Buffer.buffer("{\"email\": \"a@example.com\", \"name\": \"A\", \"name\": \"B\"}"))
            .await();
    String message = assertError(response, 400, "invalid_field");
    assertTrue(message.startsWith("name is given twice"), message);
  }

  private static HttpResponse<Buffer> postTask(byte[] body) {
    return offload
        .client()
        .post("/tasks")
        .putHeader("authorization", "Bearer secret")
        .putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body))
        .await();
  }

  private static String assertError(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    return error.getString("message");
  }

  private static String assertError(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals(code, error.getString("code"), error.encode());
    return error.getString("message");
  }

  private static long taskCount() {
    return offload.countTasks("true");
  }

  /** {@code before}, the bytes a hex string spells, then {@code after}. */
  private static byte[] concat(String before, String hex, String after) {
    byte[] head = before.getBytes(StandardCharsets.UTF_8);
    byte[] tail = after.getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + hex.length() / 2 + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    for (int i = 0; i < hex.length() / 2; i++) {
      body[head.length + i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    System.arraycopy(tail, 0, body, head.length + hex.length() / 2, tail.length);
    return body;
  }
}
