package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.config.Scope;
import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;

/**
 * The API's description against the node that serves it: a valid OpenAPI 3.1 document, the same in
 * YAML and JSON, describing exactly the routes a node serves, method by method, with the scopes
 * {@link RouteScopes} asks for; and the page at {@code /docs}. {@link OpenApiConformanceTest} holds
 * real requests and answers against its schemas.
 *
 * <p>Each node checks its own router against the document as it starts ({@link
 * ApiDocument#checkRoutes}), so every test that starts a node checks that the two agree; the tests
 * here show that the check names each difference, and ask the live node for every operation.
 */
class OpenApiDocumentTest {

  @RegisterExtension
  static final OffloadNodeExtension offload = OffloadNodeExtension.withNode().workers(0);

  private static final ApiDocument document = ApiDocument.load();

  private static final String JSON_SCHEMA_2020_12 = Draft.DRAFT202012.getIdentifier();

  /** Values for the path parameters when a test needs a concrete path. */
  private static final Map<String, String> SAMPLE_PARAMETERS =
      Map.of(
          "{id}", "1",
          "{node}", "none",
          "{upstream}", "none",
          "{path}", "redoc-2.5.4/LICENSE");

  private static Vertx vertx() {
    return offload.vertx();
  }

  private static WebClient client() {
    return offload.client();
  }

  @Test
  void the_served_document_is_valid_openapi_3_1() {
    JsonObject served = get("/openapi.json", "application/json").bodyAsJsonObject();
    SchemaRepository schemas = OpenAPIVersion.V3_1.getRepository(vertx(), "app://").await();

    OutputUnit result = OpenAPIVersion.V3_1.validateContract(vertx(), schemas, served).await();
    assertTrue(result.getValid(), () -> errors(result));

    // It would see a mistake, such as a parameter in the body.
    JsonObject badParameter = served.copy();
    badParameter
        .getJsonObject("paths")
        .getJsonObject("/tasks")
        .getJsonObject("get")
        .getJsonArray("parameters")
        .getJsonObject(0)
        .put("in", "body");
    assertFalse(
        OpenAPIVersion.V3_1.validateContract(vertx(), schemas, badParameter).await().getValid());
  }

  /**
   * The OpenAPI schema does not look into the schemas themselves (it leaves them to their dialect):
   * each is checked against JSON Schema 2020-12 here.
   */
  @Test
  void every_schema_in_the_document_is_valid_json_schema_2020_12() {
    JsonObject served = get("/openapi.json", "application/json").bodyAsJsonObject();
    SchemaRepository schemas = OpenAPIVersion.V3_1.getRepository(vertx(), "app://").await();
    Map<String, JsonObject> found = new TreeMap<>();
    collectSchemas(served, "#", found);
    assertTrue(found.size() > 50, "schemas found: " + found.keySet());

    for (Map.Entry<String, JsonObject> schema : found.entrySet()) {
      OutputUnit result = schemas.validator(JSON_SCHEMA_2020_12).validate(schema.getValue());
      assertTrue(result.getValid(), () -> schema.getKey() + ": " + errors(result));
    }
    JsonObject wrongType = new JsonObject().put("type", "record");
    assertFalse(schemas.validator(JSON_SCHEMA_2020_12).validate(wrongType).getValid());
  }

  @Test
  void the_yaml_source_and_the_json_say_the_same() {
    String yaml = get("/openapi.yaml", "application/yaml").bodyAsString();
    JsonObject json = get("/openapi.json", "application/json").bodyAsJsonObject();

    assertTrue(yaml.contains("# The HTTP API of an Offload node"), "the source, comments included");
    Map<String, Object> parsed = new Yaml().load(yaml);
    assertEquals(new JsonObject(parsed), json);
  }

  @Test
  void every_described_operation_is_served_by_the_live_node() {
    for (String operation : document.operations()) {
      String[] methodAndPath = operation.split(" ");
      String uri = sample(methodAndPath[1]) + "?delay=1ms"; // the demo routes would wait 2 s
      if (operation.equals("GET /events")) {
        uri += "&state=none"; // a 400 rather than a stream, which would never end
      }
      if (operation.equals("GET /ui/{path}")) {
        uri = "/ui/app.js"; // the sample path names a file of /docs/
      }
      HttpResponse<Buffer> response =
          client().request(HttpMethod.valueOf(methodAndPath[0]), uri).send().await();

      assertNotEquals(405, response.statusCode(), operation + ": " + response.bodyAsString());
      assertFalse(
          response.statusCode() == 404 && response.bodyAsString().contains("\"not_found\""),
          operation + ": " + response.bodyAsString());
    }
  }

  @Test
  void a_route_the_document_leaves_out_is_named_method_by_method() {
    Router router = routerServing(document.operations());
    router.post("/tasks/:id/pause").handler(RoutingContext::end);
    router.put("/users/:id").handler(RoutingContext::end);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> document.checkRoutes(router, false));
    assertEquals(
        "POST /tasks/{id}/pause is served but not described in openapi/offload.yaml;"
            + " PUT /users/{id} is served but not described in openapi/offload.yaml",
        e.getMessage());
  }

  @Test
  void an_operation_no_route_serves_stops_only_a_node_that_serves_the_api() {
    Set<String> operations = new TreeSet<>(document.operations());
    assertTrue(operations.remove("DELETE /users/{id}"));
    Router router = routerServing(operations);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> document.checkRoutes(router, true));
    assertEquals(
        "DELETE /users/{id} is described in openapi/offload.yaml but not served", e.getMessage());
    assertDoesNotThrow(() -> document.checkRoutes(router, false));
  }

  @Test
  void prefix_routes_are_read_with_a_path_parameter_and_handlers_for_every_method_are_skipped() {
    Router router = Router.router(vertx());
    router.route().handler(RoutingContext::next);
    router.route("/tasks*").handler(RoutingContext::next);
    router.get("/fetch-data/:upstream/*").handler(RoutingContext::end);
    router.get("/docs/*").handler(RoutingContext::end);

    assertDoesNotThrow(() -> document.checkRoutes(router, false));
  }

  @Test
  void a_worker_node_serves_no_description_and_describes_each_route_it_serves()
      throws InterruptedException {
    WebClient worker = offload.start(Map.of("OFFLOAD_ROLE", "worker")).client();

    assertEquals(200, worker.get("/health").send().await().statusCode());
    assertEquals(404, worker.get("/openapi.json").send().await().statusCode());
    assertEquals(404, worker.get("/docs").send().await().statusCode());
  }

  /** The document says per operation what RouteScopes enforces, and whether a token is optional. */
  @Test
  void each_operation_needs_the_scope_route_scopes_gives_its_route() {
    JsonObject paths = new JsonObject(document.json()).getJsonObject("paths");
    for (String operation : document.operations()) {
      String[] methodAndPath = operation.split(" ");
      JsonArray security =
          paths
              .getJsonObject(methodAndPath[1])
              .getJsonObject(methodAndPath[0].toLowerCase())
              .getJsonArray("security");
      Optional<Scope> needed =
          RouteScopes.needed(HttpMethod.valueOf(methodAndPath[0]), sample(methodAndPath[1]));

      Set<String> scopes =
          security.stream()
              .map(JsonObject.class::cast)
              .filter(requirement -> requirement.containsKey("bearer"))
              .flatMap(requirement -> requirement.getJsonArray("bearer").stream())
              .map(String::valueOf)
              .collect(Collectors.toSet());
      assertEquals(
          needed.map(scope -> Set.of(scope.wireName())).orElse(Set.of()), scopes, operation);
      // Without tokens every route is open but those under /admin/ (pausing a queue needs the
      // admin scope once tokens are configured, but is open without); an empty requirement says so.
      boolean anonymousAllowed =
          security.isEmpty() || security.stream().anyMatch(r -> ((JsonObject) r).isEmpty());
      assertEquals(!methodAndPath[1].startsWith("/admin/"), anonymousAllowed, operation);
    }
  }

  @Test
  void docs_is_a_page_whose_script_is_served_from_the_jar() {
    String page = get("/docs", "text/html").bodyAsString();
    assertTrue(page.contains("spec-url=\"/openapi.json\""), page);
    Matcher script = Pattern.compile("<script src=\"(/docs/[^\"]+)\"").matcher(page);
    assertTrue(script.find(), page);

    HttpResponse<Buffer> bundle = get(script.group(1), "javascript");
    assertTrue(bundle.body().length() > 500_000, "the whole bundle");
    assertTrue(bundle.getHeader("cache-control").contains("max-age"), bundle.headers().toString());
    assertTrue(get("/docs/redoc-2.5.4/LICENSE", "").bodyAsString().contains("MIT License"));

    HttpResponse<Buffer> missing = client().get("/docs/redoc-2.5.4/none.js").send().await();
    assertEquals(404, missing.statusCode());
    assertEquals("not_found", missing.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  // ---- helpers
  // -------------------------------------------------------------------------------------------

  /** A 200 whose content type starts with, or holds, {@code contentType}. */
  private static HttpResponse<Buffer> get(String uri, String contentType) {
    HttpResponse<Buffer> response = client().get(uri).send().await();
    assertEquals(200, response.statusCode(), uri + ": " + response.bodyAsString());
    String actual = response.getHeader("content-type");
    assertTrue(actual != null && actual.contains(contentType), uri + ": content-type " + actual);
    return response;
  }

  /** A concrete path for a described one. */
  private static String sample(String path) {
    String concrete = path;
    for (Map.Entry<String, String> parameter : SAMPLE_PARAMETERS.entrySet()) {
      concrete = concrete.replace(parameter.getKey(), parameter.getValue());
    }
    return concrete;
  }

  /**
   * A router with a route for each operation, written as Vert.x Web writes it: {@code {id}} is
   * {@code :id}, a last {@code {path}} is the prefix route's {@code *}.
   */
  private static Router routerServing(Set<String> operations) {
    Router router = Router.router(vertx());
    for (String operation : operations) {
      String[] methodAndPath = operation.split(" ");
      String template =
          methodAndPath[1].replaceAll("/\\{path}$", "/*").replaceAll("\\{(\\w+)}", ":$1");
      router.route(HttpMethod.valueOf(methodAndPath[0]), template).handler(RoutingContext::end);
    }
    return router;
  }

  /** Every schema: those under components and those under a "schema" key. */
  private static void collectSchemas(Object node, String where, Map<String, JsonObject> found) {
    if (node instanceof JsonObject object) {
      for (String key : object.fieldNames()) {
        Object value = object.getValue(key);
        boolean isSchema =
            key.equals("schema") || where.equals("#/components/schemas") && value != null;
        if (isSchema && value instanceof JsonObject schema) {
          found.put(where + "/" + key, schema);
        }
        collectSchemas(value, where + "/" + key, found);
      }
    } else if (node instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        collectSchemas(array.getValue(i), where + "/" + i, found);
      }
    }
  }

  private static String errors(OutputUnit result) {
    return result.getErrors().stream()
        .map(error -> error.getInstanceLocation() + ": " + error.getError())
        .collect(Collectors.joining("\n"));
  }
}
