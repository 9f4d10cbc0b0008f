package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/** The service's task endpoints, {@code POST /tasks} and {@code GET /tasks/{id}}, and its readiness. */
final class TaskClient {

  /** Generous: a request this slow is a failure whatever the benchmark. */
  private static final long REQUEST_TIMEOUT_MILLIS = 30_000;

  private final HttpClient client;
  private final String baseUrl;

  TaskClient(HttpClient client, String baseUrl) {
    this.client = client;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  /** Submits a task; the service answers 202 with the task resource. */
  Future<JsonObject> submit(String kind, JsonObject args) {
    RequestOptions options = options(HttpMethod.POST, "/tasks")
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    JsonObject body = new JsonObject().put("kind", kind).put("args", args);
    return Http.exchange(client, options, body.toBuffer(), 202).map(JsonObject::new);
  }

  /** Succeeds once the service answers {@code GET /ready} with 200. */
  Future<Void> ready() {
    return Http.exchange(client, options(HttpMethod.GET, "/ready"), null, 200).mapEmpty();
  }

  Future<JsonObject> get(String id) {
    return Http.exchange(client, options(HttpMethod.GET, "/tasks/" + id), null, 200).map(JsonObject::new);
  }

  private RequestOptions options(HttpMethod method, String path) {
    return new RequestOptions().setMethod(method).setAbsoluteURI(baseUrl + path).setTimeout(REQUEST_TIMEOUT_MILLIS);
  }
}
