package dev.offload.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;

/**
 * A remote worker as tests drive it: the protocol's calls over real HTTP, one at a time, from the
 * test thread. What a client library does, without its threads.
 */
final class HttpWorker {

  private final WebClient client;
  final String id;
  final String name;

  private HttpWorker(WebClient client, String id, String name) {
    this.client = client;
    this.id = id;
    this.name = name;
  }

  /** Registers a worker of {@code kinds} (names or {kind, args_schema} objects); expects a 201. */
  static HttpWorker register(WebClient client, String name, int concurrency, Object... kinds) {
    return register(client, name, concurrency, List.of("default"), kinds);
  }

  static HttpWorker register(
      WebClient client, String name, int concurrency, List<String> queues, Object... kinds) {
    HttpResponse<Buffer> response =
        client
            .post("/workers")
            .sendJsonObject(
                new JsonObject()
                    .put("name", name)
                    .put("kinds", new JsonArray(List.of(kinds)))
                    .put("queues", new JsonArray(queues))
                    .put("concurrency", concurrency))
            .await();
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return new HttpWorker(client, response.bodyAsJsonObject().getString("id"), name);
  }

  /** {@code POST /workers/{id}/claim}, which must answer 200: the attempts. */
  JsonArray claim(int max, String wait) {
    HttpResponse<Buffer> response =
        post("claim", new JsonObject().put("max", max).put("wait", wait));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("attempts");
  }

  /** Claims one attempt, waiting up to 10 s for it. */
  JsonObject claimOne() {
    JsonArray attempts = claim(1, "10s");
    assertEquals(1, attempts.size(), attempts.encode());
    return attempts.getJsonObject(0);
  }

  JsonArray heartbeat(String... tokens) {
    HttpResponse<Buffer> response =
        post("heartbeat", new JsonObject().put("lease_tokens", new JsonArray(List.of(tokens))));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("leases");
  }

  HttpResponse<Buffer> complete(String token, Object result) {
    return post("complete", new JsonObject().put("lease_token", token).put("result", result));
  }

  HttpResponse<Buffer> fail(String token, String error) {
    return post("fail", new JsonObject().put("lease_token", token).put("error", error));
  }

  HttpResponse<Buffer> release(String token) {
    return post("release", new JsonObject().put("lease_token", token));
  }

  HttpResponse<Buffer> progress(String token, double progress) {
    return post("progress", new JsonObject().put("lease_token", token).put("progress", progress));
  }

  HttpResponse<Buffer> post(String action, JsonObject body) {
    return client.post("/workers/" + id + "/" + action).sendJsonObject(body).await();
  }

  static String token(JsonObject attempt) {
    return attempt.getString("lease_token");
  }

  static String taskId(JsonObject attempt) {
    return attempt.getJsonObject("task").getString("id");
  }

  static String code(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("code");
  }
}
