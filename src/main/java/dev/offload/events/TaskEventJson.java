package dev.offload.events;

import dev.offload.api.TaskJson;
import dev.offload.store.TaskFilter.HeavyFields;
import dev.offload.task.Task;
import io.vertx.core.json.JsonObject;

/** The task in an event: the task resource, without the heavy fields unless asked for. */
final class TaskEventJson {

  private TaskEventJson() {}

  static JsonObject light(Task task) {
    return with(task, HeavyFields.NONE);
  }

  static JsonObject with(Task task, HeavyFields fields) {
    JsonObject json = TaskJson.of(task);
    if (!fields.args()) {
      json.remove("args");
    }
    if (!fields.result()) {
      json.remove("result");
    }
    if (!fields.errors()) {
      json.remove("errors");
    }
    return json;
  }
}
