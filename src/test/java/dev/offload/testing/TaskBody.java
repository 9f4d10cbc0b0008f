package dev.offload.testing;

import io.vertx.core.json.JsonObject;

/**
 * The JSON body of a {@code POST /tasks}, built field by field; made by {@link Tasks}. Each call
 * returns this body, changed; {@link #json()} gives a copy, so one body can be submitted many
 * times.
 */
public final class TaskBody {

  private final JsonObject json;

  TaskBody(String kind) {
    this.json = new JsonObject().put("kind", kind);
  }

  public TaskBody arg(String name, Object value) {
    if (!json.containsKey("args")) {
      json.put("args", new JsonObject());
    }
    json.getJsonObject("args").put(name, value);
    return this;
  }

  public TaskBody queue(String queue) {
    return field("queue", queue);
  }

  public TaskBody priority(int priority) {
    return field("priority", priority);
  }

  /** A duration as the API reads it: {@code "300ms"}, {@code "1h"}. */
  public TaskBody delay(String delay) {
    return field("delay", delay);
  }

  public TaskBody maxAttempts(int maxAttempts) {
    return field("max_attempts", maxAttempts);
  }

  /** A duration as the API reads it: {@code "200ms"}, {@code "30m"}. */
  public TaskBody timeout(String timeout) {
    return field("timeout", timeout);
  }

  public TaskBody callbackUrl(String url) {
    return field("callback_url", url);
  }

  private TaskBody field(String name, Object value) {
    json.put(name, value);
    return this;
  }

  public JsonObject json() {
    return json.copy();
  }

  @Override
  public String toString() {
    return json.encode();
  }
}
