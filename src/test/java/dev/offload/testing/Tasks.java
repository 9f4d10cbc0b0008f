package dev.offload.testing;

import io.vertx.core.json.JsonObject;
import java.util.function.Predicate;

/**
 * The task bodies tests submit, by kind, and the conditions they wait for. The kinds {@code test.*}
 * are the handlers in {@code testing/handlers}.
 */
public final class Tasks {

  private Tasks() {}

  public static TaskBody of(String kind) {
    return new TaskBody(kind);
  }

  public static TaskBody noop() {
    return of("noop");
  }

  /** The built-in {@code sleep}: holds a worker that long, reporting progress. */
  public static TaskBody sleep(double seconds) {
    return of("sleep").arg("seconds", seconds);
  }

  /** {@code test.fail}: fails every attempt. */
  public static TaskBody failing() {
    return of("test.fail");
  }

  /** {@code test.fail}: fails every attempt before {@code attempt}, then succeeds. */
  public static TaskBody failingUntil(int attempt) {
    return failing().arg("succeed_on_attempt", attempt);
  }

  /** {@code test.async}: waits {@code delayMs} on a timer, holding no thread. */
  public static TaskBody async(long delayMs) {
    return of("test.async").arg("delay_ms", delayMs);
  }

  /** {@code test.probe}: blocks {@code ms}, counting how many probes run at once. */
  public static TaskBody probe(long ms) {
    return of("test.probe").arg("ms", ms);
  }

  /** The built-in {@code http}: one request to {@code url}. */
  public static TaskBody http(String method, String url) {
    return of("http").arg("method", method).arg("url", url);
  }

  public static Predicate<JsonObject> inState(String state) {
    return task -> state.equals(task.getString("state"));
  }

  /** Completed, cancelled or discarded. */
  public static Predicate<JsonObject> finished() {
    return task -> task.getString("finalized_at") != null;
  }
}
