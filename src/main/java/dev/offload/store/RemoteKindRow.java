package dev.offload.store;

import io.vertx.core.json.JsonObject;

/** A kind remote workers registered, with the JSON Schema its args must meet (or null). */
public record RemoteKindRow(String kind, JsonObject argsSchema) {}
