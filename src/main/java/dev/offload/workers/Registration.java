package dev.offload.workers;

import static dev.offload.workers.WorkerInput.invalid;

import dev.offload.api.ApiError;
import dev.offload.submit.ArgsSchemas;
import dev.offload.submit.StorableJson;
import dev.offload.task.TaskHandlers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code POST /workers} body, checked: the worker's name, its kinds (each a name, or {@code
 * {"kind", "args_schema"}} with a JSON Schema for the kind's args), its queues and its concurrency.
 * {@code schemas} maps each kind to its schema, or to null.
 */
record Registration(
    String name, Map<String, JsonObject> schemas, List<String> queues, int concurrency) {

  static final int MAX_KINDS = 100;
  static final int MAX_QUEUES = 100;
  static final int MAX_CONCURRENCY = 1_000;
  static final int MAX_SCHEMA_BYTES = 64 * 1024;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  List<String> kinds() {
    return List.copyOf(schemas.keySet());
  }

  /**
   * @throws ApiError 400 for a body that is not a registration, 409 kind_conflict for a kind that
   *     this node runs itself
   */
  static Registration of(JsonObject body, TaskHandlers local) {
    WorkerInput.allowOnly(body, Set.of("name", "kinds", "queues", "concurrency"), "");
    if (!(body.getValue("name") instanceof String name)
        || name.isBlank()
        || name.length() > 128
        || StorableJson.problemInText(name) != null) {
      throw invalid("name must be a string of 1 to 128 characters");
    }
    Map<String, JsonObject> schemas = kinds(body.getValue("kinds"), local);
    List<String> queues = queues(body.getValue("queues"));
    int concurrency = WorkerInput.integer(body, "concurrency", 1, MAX_CONCURRENCY, 1);
    return new Registration(name, schemas, queues, concurrency);
  }

  private static Map<String, JsonObject> kinds(Object value, TaskHandlers local) {
    if (!(value instanceof JsonArray kinds) || kinds.isEmpty() || kinds.size() > MAX_KINDS) {
      throw invalid("kinds must be an array of 1 to " + MAX_KINDS + " kinds");
    }
    Map<String, JsonObject> schemas = new LinkedHashMap<>();
    for (int i = 0; i < kinds.size(); i++) {
      String at = "kinds[" + i + "]";
      Object entry = kinds.getValue(i);
      String kind;
      JsonObject schema = null;
      if (entry instanceof String name) {
        kind = name;
      } else if (entry instanceof JsonObject object) {
        WorkerInput.allowOnly(object, Set.of("kind", "args_schema"), at + ": ");
        if (!(object.getValue("kind") instanceof String name)) {
          throw invalid(at + ".kind must be a string");
        }
        kind = name;
        schema = schema(object.getValue("args_schema"), at);
      } else {
        throw invalid(at + " must be a kind's name or {\"kind\", \"args_schema\"}");
      }
      if (!NAME.matcher(kind).matches()) {
        throw invalid(at + ": a kind's name is 1 to 128 of A-Z a-z 0-9 _ . : -");
      }
      if (local.find(kind).isPresent()) {
        throw new ApiError(
            409,
            "kind_conflict",
            at
                + ": '"
                + kind
                + "' is a kind this node runs itself; a remote kind needs a name of its own");
      }
      if (schemas.containsKey(kind)) {
        throw invalid(at + ": '" + kind + "' is given twice");
      }
      schemas.put(kind, schema);
    }
    return schemas;
  }

  private static JsonObject schema(Object value, String at) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject schema)) {
      throw invalid(at + ".args_schema must be a JSON Schema object");
    }
    String problem = StorableJson.problem(schema, at + ".args_schema");
    if (problem != null) {
      throw invalid(problem);
    }
    if (schema.encode().getBytes(StandardCharsets.UTF_8).length > MAX_SCHEMA_BYTES) {
      throw invalid(at + ".args_schema takes at most " + MAX_SCHEMA_BYTES + " bytes of JSON");
    }
    try {
      ArgsSchemas.check(schema);
    } catch (IllegalArgumentException e) {
      throw invalid(at + "." + e.getMessage() + " (a JSON Schema, draft 2020-12)");
    } catch (RuntimeException e) { // a schema the meta-schema check itself stumbles on
      throw invalid(at + ".args_schema is not a JSON Schema: " + e.getMessage());
    }
    return schema;
  }

  private static List<String> queues(Object value) {
    if (value == null) {
      return List.of("default");
    }
    if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > MAX_QUEUES) {
      throw invalid("queues must be an array of 1 to " + MAX_QUEUES + " queue names");
    }
    List<String> queues = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String queue) || !NAME.matcher(queue).matches()) {
        throw invalid("queues[" + i + "] must be a queue name: 1 to 128 of A-Z a-z 0-9 _ . : -");
      }
      if (!queues.contains(queue)) {
        queues.add(queue);
      }
    }
    return queues;
  }
}
