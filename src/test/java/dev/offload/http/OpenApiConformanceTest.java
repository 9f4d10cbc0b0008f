package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.offload.testing.OffloadNodeExtension;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real requests and answers of a node held against the document by vertx-openapi's validators:
 * every answer matches the schema the document gives for its operation and status (the task
 * resource, the list pages, a user, the error body...), and the document accepts the requests the
 * node accepts and refuses those the node refuses for a reason a schema can say.
 *
 * <p>vertx-openapi 5.0.10 makes a contract only of operations whose bodies are JSON, text/plain,
 * octet-stream or multipart (custom media types came in 5.1.0), so the copy it reads leaves out the
 * CSV and image uploads, the result files, the YAML and the page; {@link OpenApiDocumentTest}
 * checks the whole document against the OpenAPI schema.
 */
class OpenApiConformanceTest {

  @RegisterExtension
  static final OffloadNodeExtension offload = OffloadNodeExtension.withNode().workers(0);

  private static OpenAPIContract contract;
  private static RequestValidator requests;
  private static ResponseValidator responses;

  @BeforeAll
  static void readTheDocument() {
    JsonObject document = new JsonObject(ApiDocument.load().json());
    keepSupportedMediaTypes(document);
    contract = OpenAPIContract.from(offload.vertx(), document).await();
    requests = RequestValidator.create(offload.vertx(), contract);
    responses = ResponseValidator.create(offload.vertx(), contract);
  }

  @Test
  void the_answers_about_tasks_match_the_document() {
    // No worker runs it (workers(0)): it waits, so it can be cancelled.
    String sleep = "{\"kind\": \"sleep\", \"args\": {\"seconds\": 60}}";
    JsonObject task = conforming("submitTask", send(HttpMethod.POST, "/tasks", sleep), 202);
    String id = task.getString("id");
    conforming(
        "submitTask",
        send(HttpMethod.POST, "/tasks", "{\"kind\": \"noop\", \"unique_key\": \"k\"}"),
        202);
    conforming(
        "submitTask",
        send(HttpMethod.POST, "/tasks", "{\"kind\": \"noop\", \"unique_key\": \"k\"}"),
        200);
    conforming("submitBatch", send(HttpMethod.POST, "/tasks/batch", batch(3)), 202);
    conforming("getTask", send(HttpMethod.GET, "/tasks/" + id, null), 200);
    conforming("listTasks", send(HttpMethod.GET, "/tasks?limit=2", null), 200);
    conforming("listTasks", send(HttpMethod.GET, "/tasks?fields=args,result,errors", null), 200);
    conforming("cancelTask", send(HttpMethod.POST, "/tasks/" + id + "/cancel", null), 200);
    conforming("cancelTask", send(HttpMethod.POST, "/tasks/" + id + "/cancel", null), 409);
    conforming("retryTask", send(HttpMethod.POST, "/tasks/" + id + "/retry", null), 200);
    conforming(
        "getTask", send(HttpMethod.GET, "/tasks/01a22fb4-d6a2-7000-b57f-764adcf12da1", null), 404);
    conforming("getTask", send(HttpMethod.GET, "/tasks/x", null), 400);
    conforming("submitTask", send(HttpMethod.POST, "/tasks", "{\"kind\": \"nope\"}"), 400);
    conforming("submitTask", send(HttpMethod.POST, "/tasks", "{\"a\": 1, \"a\": 2}"), 400);
    conforming(
        "submitTask",
        client(HttpMethod.POST, "/tasks")
            .putHeader("content-type", "text/plain")
            .sendBuffer(Buffer.buffer("{}"))
            .await(),
        415);
  }

  @Test
  void the_other_answers_match_the_document() {
    JsonObject user =
        conforming(
            "createUser",
            send(HttpMethod.POST, "/users", "{\"email\": \"ada@example.com\", \"name\": \"Ada\"}"),
            201);
    String path = "/users/" + user.getLong("id");
    conforming(
        "createUser",
        send(HttpMethod.POST, "/users", "{\"email\": \"ADA@example.com\", \"name\": \"A\"}"),
        409);
    conforming("getUser", send(HttpMethod.GET, path, null), 200);
    conforming("listUsers", send(HttpMethod.GET, "/users?limit=1", null), 200);
    conforming("updateUser", send(HttpMethod.PATCH, path, "{\"name\": \"Ada L.\"}"), 200);
    conforming("deleteUser", send(HttpMethod.DELETE, path, null), 204);
    conforming("getUser", send(HttpMethod.GET, path, null), 404);
    conforming("getHealth", send(HttpMethod.GET, "/health", null), 200);
    conforming("getReadiness", send(HttpMethod.GET, "/ready", null), 200);
    conforming("getOpenApiJson", send(HttpMethod.GET, "/openapi.json", null), 200);
    conforming("waitOnTimer", send(HttpMethod.GET, "/async-task?delay=1ms", null), 200);
    conforming("waitOnWorker", send(HttpMethod.GET, "/sync-task?delay=2m", null), 400);
    conforming("fetchMany", send(HttpMethod.GET, "/fetch-data/none?paths=a", null), 404);
    conforming("listNodes", send(HttpMethod.GET, "/admin/nodes", null), 403);
    conforming(
        "scaleWorkers", send(HttpMethod.PUT, "/admin/nodes/x/workers", "{\"instances\": 1}"), 403);
  }

  /**
   * The node's verdict on a request, and the document's: the same wherever a schema can say it. A
   * 400 the document accepts is a check beyond a schema's reach (a kind the node does not run, a
   * date that must carry an offset, a U+0000 in a filter, a key given twice).
   */
  @ParameterizedTest(name = "{0} {1} {2} -> {4}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          submitTask  | POST  | /tasks            | {"kind": "noop", "priority": 9, "queue": "a.b:c-d_e"} | 202 | true
          submitTask  | POST  | /tasks            | {"kind": "noop", "priority": 10}                      | 400 | false
          submitTask  | POST  | /tasks            | {"kind": "noop", "max_attempts": 0}                   | 400 | false
          submitTask  | POST  | /tasks            | {"kind": "noop", "queue": "a b"}                      | 400 | false
          submitTask  | POST  | /tasks            | {"kind": "noop", "timeout": "soon"}                   | 400 | false
          submitTask  | POST  | /tasks            | {"kind": "noop", "args": []}                          | 400 | false
          submitTask  | POST  | /tasks            | {"kind": "noop", "prority": 1}                        | 400 | false
          submitTask  | POST  | /tasks            | {"priority": 1}                                       | 400 | false
          submitTask  | POST  | /tasks            | {"kind": "noop", "unique_key": ""}                    | 400 | false
          submitTask  | POST  | /tasks            | {"kind": "nope"}                                      | 400 | true
          submitTask  | POST  | /tasks            | {"kind": "noop", "run_at": "2030-01-01T12:00:00"}     | 400 | true
          submitBatch | POST  | /tasks/batch      | {"tasks": []}                                         | 400 | false
          submitBatch | POST  | /tasks/batch      | {"tasks": [{"kind": "noop"}], "more": 1}              | 400 | false
          listTasks   | GET   | /tasks?limit=1000&state=running&fields=args,errors |                      | 200 | true
          listTasks   | GET   | /tasks?limit=1001 |                                                       | 400 | false
          listTasks   | GET   | /tasks?state=done |                                                       | 400 | false
          listTasks   | GET   | /tasks?fields=args,nothing |                                              | 400 | false
          listTasks   | GET   | /tasks?after=yesterday |                                                  | 400 | false
          getTask     | GET   | /tasks/yesterday  |                                                       | 400 | false
          createUser  | POST  | /users            | {"email": "grace@example.com", "name": "Grace"}       | 201 | true
          createUser  | POST  | /users            | {"email": "grace.example.com", "name": "Grace"}       | 400 | false
          createUser  | POST  | /users            | {"email": "g@example.com"}                            | 400 | false
          createUser  | POST  | /users            | {"email": "g@example.com", "name": ""}                | 400 | false
          listUsers   | GET   | /users?limit=0    |                                                       | 400 | false
          listUsers   | GET   | /users?after=-5   |                                                       | 400 | false
          updateUser  | PATCH | /users/1          | {}                                                    | 400 | false
          getUser     | GET   | /users/0          |                                                       | 400 | false
          waitOnTimer | GET   | /async-task?delay=soon |                                                  | 400 | false
          """)
  void the_document_refuses_what_the_node_refuses_where_a_schema_can_say_it(
      String operationId,
      HttpMethod method,
      String uri,
      String body,
      int status,
      boolean documentAccepts) {
    assertEquals(status, send(method, uri, body).statusCode(), uri + " " + body);
    assertEquals(documentAccepts, documentAccepts(operationId, uri, body), uri + " " + body);
  }

  // ---- helpers
  // -------------------------------------------------------------------------------------------

  private static HttpRequest<Buffer> client(HttpMethod method, String uri) {
    return offload.client().request(method, uri);
  }

  private static HttpResponse<Buffer> send(HttpMethod method, String uri, String body) {
    return body == null
        ? client(method, uri).send().await()
        : client(method, uri)
            .putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer(body))
            .await();
  }

  private static String batch(int size) {
    JsonArray tasks = new JsonArray();
    for (int i = 0; i < size; i++) {
      tasks.add(new JsonObject().put("kind", "noop"));
    }
    return new JsonObject().put("tasks", tasks).encode();
  }

  /**
   * Asserts the status, and that headers and body match the document's answer for it; returns the
   * body as JSON, if it is an object.
   */
  private static JsonObject conforming(
      String operationId, HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), operationId + ": " + response.bodyAsString());
    Map<String, String> headers = new HashMap<>();
    response.headers().forEach(header -> headers.put(header.getKey(), header.getValue()));
    Buffer body = response.body();
    ValidatableResponse answer =
        body == null || body.length() == 0
            ? ValidatableResponse.create(status, headers)
            // The media type without its parameters (/ready says charset=UTF-8), as OpenAPI
            // matches it; vertx-openapi 5.0.10 looks the whole header up.
            : ValidatableResponse.create(
                status, headers, body, response.getHeader("content-type").split(";")[0].trim());
    try {
      responses.validate(answer, operationId).await();
    } catch (RuntimeException invalid) {
      fail(operationId + " " + status + ": " + describe(invalid));
    }
    return body != null && body.length() > 0 && body.getByte(0) == '{'
        ? response.bodyAsJsonObject()
        : null;
  }

  /**
   * The document's verdict on a request. vertx-openapi 5.0.10 reads an incoming request's query
   * values once more than Vert.x did (it decodes them twice), so the request is given to it as
   * decoded once, as the node reads it.
   */
  private static boolean documentAccepts(String operationId, String uri, String body) {
    QueryStringDecoder decoded = new QueryStringDecoder(uri);
    Map<String, RequestParameter> query = new HashMap<>();
    decoded
        .parameters()
        .forEach((name, values) -> query.put(name, new RequestParameterImpl(values.get(0))));
    Map<String, RequestParameter> path = new HashMap<>();
    String[] template = contract.operation(operationId).getOpenAPIPath().split("/");
    String[] actual = decoded.path().split("/");
    for (int i = 0; i < template.length; i++) {
      if (template[i].startsWith("{")) {
        path.put(
            template[i].substring(1, template[i].length() - 1),
            new RequestParameterImpl(actual[i]));
      }
    }
    ValidatableRequestImpl request =
        new ValidatableRequestImpl(
            Map.of(),
            Map.of(),
            path,
            query,
            new RequestParameterImpl(body == null ? null : Buffer.buffer(body)),
            body == null ? null : "application/json");
    return requests
        .validate(request, operationId)
        .transform(done -> Future.succeededFuture(done.succeeded()))
        .await();
  }

  private static String describe(Throwable failure) {
    if (failure instanceof SchemaValidationException invalid) {
      OutputUnit output = invalid.getOutputUnit();
      return output.getErrors().stream()
          .map(error -> error.getInstanceLocation() + ": " + error.getError())
          .collect(Collectors.joining("; "));
    }
    return failure.toString();
  }

  /** Leaves out the media types (and then the bodies) vertx-openapi 5.0.10 cannot read. */
  private static void keepSupportedMediaTypes(Object node) {
    if (node instanceof JsonObject object) {
      object.forEach(entry -> keepSupportedMediaTypes(entry.getValue()));
      if (object.getValue("content") instanceof JsonObject content) {
        content.fieldNames().removeIf(type -> !MediaType.isMediaTypeSupported(type));
        if (content.isEmpty()) {
          object.remove("content");
        }
      }
      if (object.getValue("requestBody") instanceof JsonObject body
          && !body.containsKey("content")) {
        object.remove("requestBody");
      }
    } else if (node instanceof JsonArray array) {
      array.forEach(OpenApiConformanceTest::keepSupportedMediaTypes);
    }
  }
}
