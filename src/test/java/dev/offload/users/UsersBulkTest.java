package dev.offload.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * users.import and users.export through the API, on a real node: a round trip, errors, formats,
 * files.
 */
class UsersBulkTest {

  @RegisterExtension
  static final OffloadNodeExtension offload =
      OffloadNodeExtension.withNode().env("OFFLOAD_HTTP_UPLOAD_LIMIT", "20000000");

  @Test
  void one_hundred_thousand_users_are_imported_and_exported_again_intact() throws Exception {
    StringBuilder csv = new StringBuilder("email,name\n");
    for (int i = 0; i < 100_000; i++) {
      csv.append("user").append(i).append("@example.com,\"Doe, Jane ").append(i).append("\"\n");
    }
    JsonObject imported = awaitFinal(upload(csv.toString()), Duration.ofSeconds(120));
    assertEquals("completed", imported.getString("state"), imported.encode());
    assertEquals(100_000, imported.getJsonObject("result").getLong("imported"));
    assertEquals(0, imported.getJsonObject("result").getLong("failed"));
    assertEquals(1.0, imported.getDouble("progress"));

    JsonObject exported =
        awaitFinal(submit(new JsonObject().put("kind", "users.export")), Duration.ofSeconds(120));
    assertEquals(100_000, exported.getJsonObject("result").getLong("rows"));
    HttpResponse<Buffer> file =
        client().get("/tasks/" + exported.getString("id") + "/result").send().await();
    assertEquals(200, file.statusCode());
    assertEquals("text/csv", file.getHeader("content-type"));
    List<CsvRecord> records = CsvTesting.read(file.body().getBytes());
    assertEquals(List.of(UserCsv.HEADER.split(",")), records.get(0).fields());
    assertEquals(100_001, records.size());
    Set<String> emails = new HashSet<>();
    for (CsvRecord record : records.subList(1, records.size())) {
      emails.add(record.fields().get(1));
      assertTrue(record.fields().get(2).startsWith("Doe, Jane "), record.toString());
    }
    assertEquals(100_000, emails.size());
    assertTrue(emails.contains("user99999@example.com"));

    // The exported file imports again: every line now names a taken email.
    JsonObject again = awaitFinal(upload(file.bodyAsString()), Duration.ofSeconds(120));
    assertEquals(0, again.getJsonObject("result").getLong("imported"));
    assertEquals(100_000, again.getJsonObject("result").getLong("failed"));
    assertEquals(
        UsersImportHandler.MAX_ERRORS_KEPT,
        again.getJsonObject("result").getJsonArray("errors").size());
    assertTrue(again.getJsonObject("result").getBoolean("errors_truncated"));
  }

  @Test
  void bad_lines_are_reported_with_their_number_and_reason_and_the_others_imported()
      throws Exception {
    client()
        .post("/users")
        .sendJsonObject(new JsonObject().put("email", "taken@example.com").put("name", "T"))
        .await();
    String csv =
        String.join(
                "\n",
                "name,email,extra",
                "Ann,ann@example.com,x",
                "Bob,not-an-email,x",
                "Cid,TAKEN@example.com,x",
                "",
                "\"Dee\" D,dee@example.com,x",
                "Eve,ann@example.com,x",
                "Fay",
                "Gus,gus@example.com,x",
                "\"Hal,hal@example.com,x")
            + "\r\n";

    JsonObject result = awaitFinal(upload(csv), Duration.ofSeconds(10)).getJsonObject("result");

    assertEquals(2, result.getLong("imported"), result.encode());
    assertEquals(6, result.getLong("failed"));
    assertEquals(9, result.getLong("lines"));
    Map<Integer, String> reasons = new java.util.TreeMap<>();
    result
        .getJsonArray("errors")
        .forEach(
            e ->
                reasons.put(
                    ((JsonObject) e).getInteger("line"), ((JsonObject) e).getString("reason")));
    assertEquals(Set.of(3, 4, 6, 7, 8, 10), reasons.keySet(), reasons.toString());
    assertTrue(reasons.get(3).contains("email"));
    assertEquals("email already exists", reasons.get(4));
    assertTrue(reasons.get(6).contains("closing quote"));
    assertEquals("email already exists", reasons.get(7));
    assertTrue(reasons.get(8).contains("fields"));
    // A quote never closed makes the rest of the file its field (RFC 4180): one error, at its line.
    assertEquals(
        "a quoted field opened on line 10 is not closed by the end of the file", reasons.get(10));
  }

  @Test
  void an_import_without_email_and_name_columns_is_discarded() throws Exception {
    for (String csv : List.of("mail,fullname\na@b.c,A\n", "", "\n\n")) {
      JsonObject done = awaitFinal(upload(csv), Duration.ofSeconds(10));

      assertEquals("discarded", done.getString("state"), csv);
      assertTrue(
          done.getJsonArray("errors").getJsonObject(0).getString("message").contains("header"));
    }
  }

  @Test
  void an_export_can_be_ndjson_and_filtered_and_its_file_goes_with_its_task() throws Exception {
    for (String email : List.of("a@keep.org", "b@drop.org", "c@KEEP.org")) {
      client()
          .post("/users")
          .sendJsonObject(new JsonObject().put("email", email).put("name", "N"))
          .await();
    }
    JsonObject done =
        awaitFinal(
            submit(
                new JsonObject()
                    .put("kind", "users.export")
                    .put(
                        "args",
                        new JsonObject().put("format", "ndjson").put("email_contains", "keep"))),
            Duration.ofSeconds(10));
    String id = done.getString("id");

    HttpResponse<Buffer> file = client().get("/tasks/" + id + "/result").send().await();
    assertEquals("application/x-ndjson", file.getHeader("content-type"));
    List<String> emails =
        Arrays.stream(file.bodyAsString().split("\n"))
            .map(line -> new JsonObject(line).getString("email"))
            .toList();
    assertEquals(List.of("a@keep.org", "c@KEEP.org"), emails);

    // Its retention over: finished tasks go, with their files, by the pruning, history partitions
    // and all (see offload_task_done_prune).
    offload.sql("SELECT offload_task_done_prune('infinity', 1000)");
    assertEquals(
        0L, offload.sql("SELECT count(*) FROM offload_file_chunk").iterator().next().getLong(0));
    assertEquals(404, client().get("/tasks/" + id + "/result").send().await().statusCode());
  }

  @Test
  void an_upload_over_the_limit_is_a_413_and_bad_export_args_a_400() {
    String huge = "email,name\n" + "x".repeat(20_000_001);
    assertEquals(
        413, client().post("/users/import").sendBuffer(Buffer.buffer(huge)).await().statusCode());
    HttpResponse<Buffer> bad =
        client()
            .post("/tasks")
            .sendJsonObject(
                new JsonObject()
                    .put("kind", "users.export")
                    .put("args", new JsonObject().put("format", "xml")))
            .await();
    assertEquals(400, bad.statusCode());
  }

  private static WebClient client() {
    return offload.client();
  }

  private static String upload(String csv) {
    HttpResponse<Buffer> response =
        client()
            .post("/users/import")
            .putHeader("content-type", "text/csv")
            .sendBuffer(Buffer.buffer(csv))
            .await();
    assertEquals(202, response.statusCode(), response.bodyAsString());
    assertEquals("users.import", response.bodyAsJsonObject().getString("kind"));
    return response.bodyAsJsonObject().getString("id");
  }

  private static String submit(JsonObject task) {
    return offload.submit(task);
  }

  private static JsonObject awaitFinal(String id, Duration wait) throws InterruptedException {
    return offload.await(id, wait, Tasks.finished());
  }
}
