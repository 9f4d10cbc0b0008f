package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * One measurement. The result is the single JSON line the tool prints; every benchmark reports an {@code errors}
 * figure, which decides the exit status.
 */
interface Benchmark {

  Future<JsonObject> run();
}
