package dev.offload.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.testing.NodeProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/** A {@code POST /tasks/batch} of {@code test.record} tasks, each with a unique key of its own. */
final class TaskBatch {

  private final List<String> keys;
  private final JsonObject body;

  /**
   * @param args of every task
   */
  TaskBatch(int count, JsonObject args) {
    this.keys = IntStream.range(0, count).mapToObj(i -> UUID.randomUUID().toString()).toList();
    JsonArray tasks = new JsonArray();
    keys.forEach(
        key ->
            tasks.add(
                new JsonObject()
                    .put("kind", "test.record")
                    .put("args", args.copy())
                    .put("unique_key", key)));
    this.body = new JsonObject().put("tasks", tasks);
  }

  List<String> keys() {
    return keys;
  }

  JsonObject body() {
    return body;
  }

  /** Submits it to {@code node}, which must accept it, and tells {@code checker} what it said. */
  void submit(NodeProcess node, SetChecker checker) throws IOException, InterruptedException {
    JsonArray ids = node.post("/tasks/batch", body).getJsonArray("ids");
    assertEquals(keys.size(), ids == null ? 0 : ids.size(), "ids of the batch");
    for (int i = 0; i < keys.size(); i++) {
      checker.acknowledged(keys.get(i), UUID.fromString(ids.getString(i)));
    }
    checker.batch(keys);
  }
}
