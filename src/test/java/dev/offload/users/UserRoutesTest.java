package dev.offload.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.MutableClock;
import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /users} over HTTP on a real node (no workers) and a real schema. The node has an API
 * token, so every change below also proves that the routes sit behind the bearer token; the clock
 * only moves when a test moves it.
 */
class UserRoutesTest {

  private static final Set<String> USER_FIELDS =
      Set.of("id", "email", "name", "created_at", "updated_at");
  private static final String TOKEN = "users-test-token";
  private static final int BODY_LIMIT = 1_048_576;

  private static final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

  @RegisterExtension
  static final OffloadNodeExtension offload =
      OffloadNodeExtension.withNode()
          .workers(0)
          .env("OFFLOAD_API_TOKEN", TOKEN)
          .clock(clock)
          .keepDataBetweenTests();

  /** Only the table these tests write: emptying every table before each of them costs seconds. */
  @BeforeEach
  void startFromAnEmptyTable() {
    offload.sql("TRUNCATE offload_user");
  }

  // ---- POST /users
  // ---------------------------------------------------------------------------------------

  @Nested
  class Create {

    @Test
    void answers_201_with_the_location_and_every_field_of_the_user() {
      HttpResponse<Buffer> response =
          send(HttpMethod.POST, "/users", user("ada@example.com", "Ada Lovelace"));

      assertEquals(201, response.statusCode(), response.bodyAsString());
      assertTrue(response.getHeader("content-type").startsWith("application/json"));
      JsonObject user = response.bodyAsJsonObject();
      assertEquals(USER_FIELDS, user.fieldNames());
      long id = user.getLong("id");
      assertTrue(id > 0);
      assertEquals("/users/" + id, response.getHeader("location"));
      assertEquals("ada@example.com", user.getString("email"));
      assertEquals("Ada Lovelace", user.getString("name"));
      assertEquals(clock.instant(), Instant.parse(user.getString("created_at")));
      assertEquals(clock.instant(), Instant.parse(user.getString("updated_at")));
    }

    @Test
    void the_user_is_committed_before_the_response_arrives() {
      long id = create("ada@example.com", "Ada").getLong("id");

      Row row = row(id);
      assertEquals("ada@example.com", row.getString("email"));
      assertEquals("Ada", row.getString("name"));
    }

    @Test
    void surrounding_whitespace_is_trimmed_from_both_fields() {
      JsonObject user = create("  ada@example.com\n", "\t Ada Lovelace  ");

      assertEquals("ada@example.com", user.getString("email"));
      assertEquals("Ada Lovelace", user.getString("name"));
    }

    @Test
    void names_and_emails_count_characters_not_utf16_units() {
      String name = "😀".repeat(200);

      JsonObject user = create("zoë@exämple.com", name);

      assertEquals(name, user.getString("name"));
      assertEquals("zoë@exämple.com", user.getString("email"));
    }

    @Test
    void an_email_taken_in_any_case_is_a_409_and_stores_nothing() {
      create("ada@example.com", "Ada");

      HttpResponse<Buffer> response =
          send(HttpMethod.POST, "/users", user("ADA@Example.COM", "Another Ada"));

      assertError(response, 409, "email_taken");
      assertEquals(1, userCount());
    }

    @Test
    void concurrent_requests_with_one_email_create_exactly_one_user() {
      List<Future<HttpResponse<Buffer>>> responses =
          IntStream.range(0, 24)
              .mapToObj(
                  i ->
                      request(HttpMethod.POST, "/users")
                          .sendJsonObject(
                              user(
                                  i % 2 == 0 ? "race@example.com" : "RACE@example.com",
                                  "Racer " + i)))
              .toList();
      Future.join(responses).await();

      assertTrue(responses.stream().allMatch(Future::succeeded), "every request was answered");
      List<HttpResponse<Buffer>> answers = responses.stream().map(Future::result).toList();
      assertEquals(1, answers.stream().filter(r -> r.statusCode() == 201).count());
      List<HttpResponse<Buffer>> refused =
          answers.stream().filter(r -> r.statusCode() != 201).toList();
      assertEquals(23, refused.size());
      refused.forEach(r -> assertError(r, 409, "email_taken"));
      assertEquals(1, userCount());
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "   ",
          "ab",
          "no-at-sign",
          "@example.com",
          "ada@",
          "ada@@example.com",
          "ada@exa@mple.com",
          "ada lovelace@example.com",
          "ada@exam ple.com",
          "ada\u00a0@example.com",
          "ada\u0000@example.com",
          "ada@example.com\u0007"
        })
    void an_email_that_does_not_look_like_one_is_a_400(String email) {
      assertError(send(HttpMethod.POST, "/users", user(email, "Ada")), 400, "invalid_field");
      assertEquals(0, userCount());
    }

    @Test
    void an_email_longer_than_254_characters_is_a_400_and_254_is_fine() {
      String local = "a".repeat(64);
      String domain254 = "d".repeat(254 - local.length() - 1 - 4) + ".com";

      assertError(
          send(HttpMethod.POST, "/users", user(local + "x@" + domain254, "Ada")),
          400,
          "invalid_field");
      assertEquals(254, create(local + "@" + domain254, "Ada").getString("email").length());
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"", "   ", "\n\t", "Ada\u0000", "Ada\nLovelace", "\ud800 lone surrogate"})
    void an_empty_or_unprintable_name_is_a_400(String name) {
      assertError(
          send(HttpMethod.POST, "/users", user("ada@example.com", name)), 400, "invalid_field");
      assertEquals(0, userCount());
    }

    @Test
    void a_name_longer_than_200_characters_is_a_400() {
      assertError(
          send(HttpMethod.POST, "/users", user("ada@example.com", "n".repeat(201))),
          400,
          "invalid_field");
      assertError(
          send(HttpMethod.POST, "/users", user("ada@example.com", "😀".repeat(201))),
          400,
          "invalid_field");
      assertEquals(0, userCount());
    }

    @Test
    void a_missing_field_a_null_field_or_a_field_of_the_wrong_type_is_a_400() {
      List<JsonObject> bodies =
          List.of(
              new JsonObject().put("email", "ada@example.com"),
              new JsonObject().put("name", "Ada"),
              new JsonObject(),
              user("ada@example.com", null),
              new JsonObject().put("email", (Object) null).put("name", "Ada"),
              new JsonObject().put("email", 42).put("name", "Ada"),
              new JsonObject().put("email", "ada@example.com").put("name", new JsonObject()),
              new JsonObject()
                  .put("email", "ada@example.com")
                  .put("name", new JsonArray().add("Ada")));
      for (JsonObject body : bodies) {
        assertError(send(HttpMethod.POST, "/users", body), 400, "invalid_field");
      }
      assertEquals(0, userCount());
    }

    @Test
    void an_unknown_field_is_a_400_naming_it() {
      String message =
          assertError(
              send(HttpMethod.POST, "/users", user("ada@example.com", "Ada").put("id", 7)),
              400,
              "invalid_field");

      assertTrue(message.contains("'id'"), message);
      assertEquals(0, userCount());
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "not json",
          "[]",
          "[{\"email\": \"a@b\"}]",
          "\"ada@example.com\"",
          "42",
          "null",
          "{\"email\": \"ada@example.com\", \"name\": "
        })
    void a_body_that_is_not_a_json_object_is_a_400(String body) {
      assertError(sendRaw(HttpMethod.POST, "/users", body), 400, "invalid_json");
    }

    @Test
    void a_body_over_the_limit_is_a_413() {
      String body = user("ada@example.com", "n".repeat(BODY_LIMIT)).encode();

      assertError(sendRaw(HttpMethod.POST, "/users", body), 413, "body_too_large");
      assertEquals(0, userCount());
    }
  }

  // ---- GET /users/{id}
  // -----------------------------------------------------------------------------------

  @Nested
  class Get {

    @Test
    void answers_200_with_the_user_as_created() {
      JsonObject created = create("ada@example.com", "Ada");

      HttpResponse<Buffer> response = get("/users/" + created.getLong("id"));

      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals(created, response.bodyAsJsonObject());
    }

    @Test
    void reads_need_the_token_too() {
      long id = create("ada@example.com", "Ada").getLong("id");

      assertError(client().get("/users/" + id).send().await(), 401, "unauthorized");
      assertError(client().get("/users").send().await(), 401, "unauthorized");
    }

    @Test
    void an_unknown_id_is_a_404() {
      long id = create("ada@example.com", "Ada").getLong("id");

      assertError(get("/users/" + (id + 1)), 404, "user_not_found");
      assertError(get("/users/" + Long.MAX_VALUE), 404, "user_not_found");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "0",
          "-1",
          "+1",
          "abc",
          "1.5",
          "1e3",
          "0x10",
          "%201",
          "9223372036854775808",
          "99999999999999999999",
          "%00"
        })
    void an_id_that_is_not_a_positive_64_bit_integer_is_a_400(String id) {
      assertError(get("/users/" + id), 400, "invalid_id");
    }
  }

  // ---- PATCH /users/{id}
  // ---------------------------------------------------------------------------------

  @Nested
  class Update {

    @Test
    void changes_only_the_name_and_bumps_updated_at() {
      JsonObject created = create("ada@example.com", "Ada");
      clock.advance(Duration.ofMinutes(5));

      HttpResponse<Buffer> response =
          patch(created.getLong("id"), new JsonObject().put("name", " Ada Lovelace "));

      assertEquals(200, response.statusCode(), response.bodyAsString());
      JsonObject updated = response.bodyAsJsonObject();
      assertEquals(
          created.copy().put("name", "Ada Lovelace").put("updated_at", clock.instant().toString()),
          updated);
      assertEquals(updated, get("/users/" + created.getLong("id")).bodyAsJsonObject());
    }

    @Test
    void changes_only_the_email() {
      JsonObject created = create("ada@example.com", "Ada");

      JsonObject updated =
          patch(created.getLong("id"), new JsonObject().put("email", "lovelace@example.org"))
              .bodyAsJsonObject();

      assertEquals("lovelace@example.org", updated.getString("email"));
      assertEquals("Ada", updated.getString("name"));
    }

    @Test
    void changes_both_fields_at_once() {
      JsonObject created = create("ada@example.com", "Ada");

      HttpResponse<Buffer> response =
          patch(created.getLong("id"), user("lovelace@example.org", "A. Lovelace"));

      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals("lovelace@example.org", response.bodyAsJsonObject().getString("email"));
      assertEquals("A. Lovelace", response.bodyAsJsonObject().getString("name"));
    }

    @Test
    void an_email_another_user_has_in_any_case_is_a_409_and_changes_nothing() {
      create("ada@example.com", "Ada");
      JsonObject grace = create("grace@example.com", "Grace");

      HttpResponse<Buffer> response =
          patch(grace.getLong("id"), user("Ada@Example.com", "Grace Hopper"));

      assertError(response, 409, "email_taken");
      assertEquals(grace, get("/users/" + grace.getLong("id")).bodyAsJsonObject());
    }

    @Test
    void the_user_may_change_the_case_of_its_own_email() {
      JsonObject created = create("ada@example.com", "Ada");

      HttpResponse<Buffer> response =
          patch(created.getLong("id"), new JsonObject().put("email", "Ada@Example.com"));

      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals("Ada@Example.com", response.bodyAsJsonObject().getString("email"));
    }

    @Test
    void an_unknown_user_is_a_404() {
      assertError(patch(42, new JsonObject().put("name", "Nobody")), 404, "user_not_found");
    }

    @Test
    void an_empty_patch_an_unknown_field_or_a_null_field_is_a_400() {
      long id = create("ada@example.com", "Ada").getLong("id");

      assertError(patch(id, new JsonObject()), 400, "invalid_field");
      assertError(
          patch(id, new JsonObject().put("name", "Ada").put("created_at", "2020-01-01T00:00:00Z")),
          400,
          "invalid_field");
      assertError(patch(id, new JsonObject().put("id", 7)), 400, "invalid_field");
      assertError(patch(id, new JsonObject().put("name", (Object) null)), 400, "invalid_field");
      assertError(patch(id, new JsonObject().put("email", (Object) null)), 400, "invalid_field");
    }

    @Test
    void an_invalid_value_is_a_400_and_changes_nothing() {
      JsonObject created = create("ada@example.com", "Ada");
      long id = created.getLong("id");

      assertError(patch(id, new JsonObject().put("email", "not an email")), 400, "invalid_field");
      assertError(patch(id, new JsonObject().put("name", "")), 400, "invalid_field");
      assertError(patch(id, new JsonObject().put("name", "n".repeat(201))), 400, "invalid_field");
      assertError(patch(id, new JsonObject().put("name", "Ada\u0000")), 400, "invalid_field");
      assertError(patch(id, new JsonObject().put("name", 5)), 400, "invalid_field");
      assertEquals(created, get("/users/" + id).bodyAsJsonObject());
    }

    @Test
    void a_body_that_is_not_a_json_object_is_a_400() {
      long id = create("ada@example.com", "Ada").getLong("id");

      assertError(sendRaw(HttpMethod.PATCH, "/users/" + id, "[]"), 400, "invalid_json");
      assertError(sendRaw(HttpMethod.PATCH, "/users/" + id, "{"), 400, "invalid_json");
      assertError(sendRaw(HttpMethod.PATCH, "/users/" + id, ""), 400, "invalid_json");
    }

    @Test
    void a_malformed_id_is_a_400() {
      assertError(
          sendRaw(HttpMethod.PATCH, "/users/abc", "{\"name\": \"Ada\"}"), 400, "invalid_id");
      assertError(sendRaw(HttpMethod.PATCH, "/users/0", "{\"name\": \"Ada\"}"), 400, "invalid_id");
    }
  }

  // ---- DELETE /users/{id}
  // --------------------------------------------------------------------------------

  @Nested
  class Delete {

    @Test
    void answers_204_without_a_body_and_the_user_is_gone() {
      long id = create("ada@example.com", "Ada").getLong("id");

      HttpResponse<Buffer> response = send(HttpMethod.DELETE, "/users/" + id, null);

      assertEquals(204, response.statusCode());
      assertNull(response.body());
      assertError(get("/users/" + id), 404, "user_not_found");
      assertEquals(0, userCount());
    }

    @Test
    void deleting_again_or_an_unknown_user_is_a_404() {
      long id = create("ada@example.com", "Ada").getLong("id");
      send(HttpMethod.DELETE, "/users/" + id, null);

      assertError(send(HttpMethod.DELETE, "/users/" + id, null), 404, "user_not_found");
      assertError(send(HttpMethod.DELETE, "/users/" + Long.MAX_VALUE, null), 404, "user_not_found");
    }

    @Test
    void a_malformed_id_is_a_400() {
      assertError(send(HttpMethod.DELETE, "/users/-3", null), 400, "invalid_id");
      assertError(send(HttpMethod.DELETE, "/users/x", null), 400, "invalid_id");
    }
  }

  // ---- GET /users
  // ----------------------------------------------------------------------------------------

  @Nested
  class ListUsers {

    @Test
    void an_empty_table_is_an_empty_page_without_next() {
      JsonObject page = page("/users");

      assertEquals(new JsonObject().put("users", new JsonArray()).put("next", null), page);
      assertTrue(page.containsKey("next"), "next is present as null, not omitted");
    }

    @Test
    void lists_users_in_id_order_with_every_field() {
      List<JsonObject> created = createUsers(3);

      JsonObject page = page("/users");

      assertEquals(new JsonArray(new ArrayList<>(created)), page.getJsonArray("users"));
      assertNull(page.getValue("next"));
    }

    @Test
    void following_next_covers_every_user_exactly_once() {
      List<Long> ids = createUsers(7).stream().map(user -> user.getLong("id")).toList();

      List<Long> listed = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      String uri = "/users?limit=3";
      while (uri != null) {
        JsonObject page = page(uri);
        page.getJsonArray("users").forEach(user -> listed.add(((JsonObject) user).getLong("id")));
        sizes.add(page.getJsonArray("users").size());
        Long next = page.getLong("next");
        uri = next == null ? null : "/users?limit=3&after=" + next;
        assertTrue(sizes.size() <= 10, "pagination does not end");
      }

      assertEquals(ids, listed);
      assertEquals(List.of(3, 3, 1), sizes);
    }

    @Test
    void next_is_the_last_id_of_the_page() {
      List<JsonObject> created = createUsers(3);

      JsonObject page = page("/users?limit=2");

      assertEquals(created.get(1).getLong("id"), page.getLong("next"));
      assertEquals(
          new JsonArray().add(created.get(2)),
          page("/users?after=" + page.getLong("next")).getJsonArray("users"));
    }

    @Test
    void the_default_limit_is_100_and_the_largest_is_1000() {
      offload.sql(
          """
          INSERT INTO offload_user (email, name, created_at, updated_at)
          SELECT 'user' || n || '@example.com', 'User ' || n, now(), now() FROM generate_series(1, 1001) AS n""");

      assertEquals(100, page("/users").getJsonArray("users").size());
      JsonObject largest = page("/users?limit=1000");
      assertEquals(1_000, largest.getJsonArray("users").size());
      assertEquals(
          1,
          page("/users?limit=1000&after=" + largest.getLong("next")).getJsonArray("users").size());
    }

    @Test
    void after_the_last_id_is_an_empty_page() {
      long last = createUsers(2).get(1).getLong("id");

      JsonObject page = page("/users?after=" + last);

      assertEquals(0, page.getJsonArray("users").size());
      assertNull(page.getValue("next"));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "limit=0",
          "limit=1001",
          "limit=-1",
          "limit=abc",
          "limit=",
          "limit=1.5",
          "limit=99999999999999999999",
          "after=0",
          "after=-5",
          "after=abc",
          "after=",
          "after=9223372036854775808",
          "after=%00"
        })
    void a_malformed_limit_or_cursor_is_a_400(String query) {
      assertError(get("/users?" + query), 400, "invalid_query");
    }
  }

  // ---- the token, methods
  // --------------------------------------------------------------------------------

  @Nested
  class Token {

    @Test
    void every_change_without_the_token_is_a_401_and_changes_nothing() {
      long id = create("ada@example.com", "Ada").getLong("id");

      assertError(
          client().post("/users").sendJsonObject(user("grace@example.com", "Grace")).await(),
          401,
          "unauthorized");
      assertError(
          client().patch("/users/" + id).sendJsonObject(new JsonObject().put("name", "X")).await(),
          401,
          "unauthorized");
      assertError(client().delete("/users/" + id).send().await(), 401, "unauthorized");
      assertError(
          client()
              .post("/users")
              .bearerTokenAuthentication("wrong")
              .sendJsonObject(user("grace@example.com", "Grace"))
              .await(),
          401,
          "unauthorized");

      assertEquals(1, userCount());
      assertEquals("Ada", get("/users/" + id).bodyAsJsonObject().getString("name"));
    }

    @Test
    void a_method_the_resource_does_not_have_is_a_405() {
      assertError(
          send(HttpMethod.PUT, "/users/1", user("ada@example.com", "Ada")),
          405,
          "method_not_allowed");
      assertError(send(HttpMethod.DELETE, "/users", null), 405, "method_not_allowed");
    }
  }

  // ---- database readiness
  // -------------------------------------------------------------------------------

  @Test
  void every_route_is_a_503_while_the_database_is_not_ready() {
    WebClient unreadyClient =
        offload
            .startWithoutWaiting(
                Map.of(
                    "OFFLOAD_DATABASE_URL",
                    OffloadNodeExtension.UNREACHABLE_DATABASE,
                    "OFFLOAD_API_TOKEN",
                    TOKEN))
            .client();

    assertError(
        unreadyClient.get("/users").bearerTokenAuthentication(TOKEN).send().await(),
        503,
        "database_unavailable");
    assertError(
        unreadyClient.get("/users/1").bearerTokenAuthentication(TOKEN).send().await(),
        503,
        "database_unavailable");
    assertError(
        unreadyClient
            .post("/users")
            .bearerTokenAuthentication(TOKEN)
            .sendJsonObject(user("ada@example.com", "Ada"))
            .await(),
        503,
        "database_unavailable");
    assertError(
        unreadyClient
            .patch("/users/1")
            .bearerTokenAuthentication(TOKEN)
            .sendJsonObject(new JsonObject().put("name", "Ada"))
            .await(),
        503,
        "database_unavailable");
    assertError(
        unreadyClient.delete("/users/1").bearerTokenAuthentication(TOKEN).send().await(),
        503,
        "database_unavailable");
  }

  // ---- helpers
  // -------------------------------------------------------------------------------------------

  private static JsonObject user(String email, String name) {
    return new JsonObject().put("email", email).put("name", name);
  }

  private static WebClient client() {
    return offload.client();
  }

  /** A request carrying the node's token. */
  private static HttpRequest<Buffer> request(HttpMethod method, String uri) {
    return client().request(method, uri).bearerTokenAuthentication(TOKEN);
  }

  private static HttpResponse<Buffer> send(HttpMethod method, String uri, JsonObject body) {
    return body == null
        ? request(method, uri).send().await()
        : request(method, uri).sendJsonObject(body).await();
  }

  private static HttpResponse<Buffer> sendRaw(HttpMethod method, String uri, String body) {
    return request(method, uri)
        .putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body))
        .await();
  }

  private static HttpResponse<Buffer> get(String uri) {
    return request(HttpMethod.GET, uri).send().await();
  }

  private static HttpResponse<Buffer> patch(long id, JsonObject body) {
    return send(HttpMethod.PATCH, "/users/" + id, body);
  }

  /** Creates a user, expects 201, and returns it. */
  private static JsonObject create(String email, String name) {
    HttpResponse<Buffer> response = send(HttpMethod.POST, "/users", user(email, name));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  /**
   * Creates {@code count} users one after the other; returns them in creation (and so id) order.
   */
  private static List<JsonObject> createUsers(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> create("user" + i + "@example.com", "User " + i))
        .toList();
  }

  private static JsonObject page(String uri) {
    HttpResponse<Buffer> response = get(uri);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  /**
   * Asserts {@code {"error": {"code", "message"}}} as application/json with this status; returns
   * the message.
   */
  private static String assertError(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    String contentType = response.getHeader("content-type");
    assertTrue(
        contentType != null && contentType.startsWith("application/json"),
        "content-type " + contentType);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals(code, error.getString("code"), error.encode());
    String message = error.getString("message");
    assertFalse(message == null || message.isBlank(), error.encode());
    return message;
  }

  private static Row row(long id) {
    RowSet<Row> rows = offload.sql("SELECT * FROM offload_user WHERE id = $1", id);
    assertEquals(1, rows.size(), "rows with id " + id);
    return rows.iterator().next();
  }

  private static long userCount() {
    return offload.sql("SELECT count(*) FROM offload_user").iterator().next().getLong(0);
  }
}
