package dev.offload.workers;

import dev.offload.api.ApiError;
import dev.offload.dispatch.RemoteReport;
import dev.offload.submit.StorableJson;
import dev.offload.support.Durations;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The bodies of the worker routes, checked strictly: unknown fields, wrong types and values out of
 * range are a 400 naming the field, never a silent default. Bounds on everything a worker sends.
 */
final class WorkerInput {

  static final int MAX_CLAIM = 100;
  static final Duration MAX_WAIT = Duration.ofSeconds(60);
  static final int MAX_TOKENS = 1_000;
  static final int MAX_OUTCOMES = 1_000;
  static final int MAX_MESSAGE = 1_000;

  /** Longer errors are cut to a local handler's length (2,000 characters) when stored. */
  static final int MAX_ERROR = 64 * 1024;

  /** A failure retried later than this is better discarded. */
  static final Duration MAX_RETRY_IN = Duration.ofDays(365);

  private WorkerInput() {}

  /** A claim's body: how many attempts at most, and how long to wait for the first. */
  record Claim(int max, Duration waitFor) {}

  static Claim claim(JsonObject body) {
    allowOnly(body, Set.of("max", "wait"), "");
    int max = integer(body, "max", 1, MAX_CLAIM, 1);
    Duration wait = duration(body, "wait", Duration.ZERO, MAX_WAIT, Duration.ofSeconds(30));
    return new Claim(max, wait);
  }

  /** A heartbeat's lease tokens, 0 to {@value #MAX_TOKENS}. */
  static List<LeaseTokens.Lease> heartbeat(JsonObject body) {
    allowOnly(body, Set.of("lease_tokens"), "");
    if (!(body.getValue("lease_tokens") instanceof JsonArray tokens)) {
      throw invalid("lease_tokens must be an array of lease tokens");
    }
    if (tokens.size() > MAX_TOKENS) {
      throw invalid("lease_tokens holds at most " + MAX_TOKENS + " tokens, not " + tokens.size());
    }
    List<LeaseTokens.Lease> leases = new ArrayList<>(tokens.size());
    for (int i = 0; i < tokens.size(); i++) {
      leases.add(LeaseTokens.decode(tokens.getValue(i), "lease_tokens[" + i + "]"));
    }
    return leases;
  }

  /** {@code {"lease_token", "progress", "message"?}}. */
  static RemoteReport progress(JsonObject body) {
    allowOnly(body, Set.of("lease_token", "progress", "message"), "");
    LeaseTokens.Lease lease = LeaseTokens.decode(body.getValue("lease_token"), "lease_token");
    if (!(body.getValue("progress") instanceof Number number)
        || !(number.doubleValue() >= 0 && number.doubleValue() <= 1)) {
      throw invalid("progress must be a number from 0 to 1");
    }
    Object message = body.getValue("message");
    if (message != null
        && (!(message instanceof String text)
            || text.length() > MAX_MESSAGE
            || StorableJson.problemInText(text) != null)) {
      throw invalid("message must be a string of at most " + MAX_MESSAGE + " characters");
    }
    return RemoteReport.progress(lease.taskId(), lease.token(), number.doubleValue());
  }

  /**
   * The complete, fail or release of {@code body} (with its {@code lease_token}), whose own fields
   * are {@code fields}; {@code at} prefixes the errors' field names.
   *
   * @throws ApiError 400, or 413 for a result over {@code payloadLimit} bytes
   */
  static RemoteReport outcome(
      RemoteReport.Type type,
      LeaseTokens.Lease lease,
      JsonObject fields,
      int payloadLimit,
      String at) {
    return switch (type) {
      case COMPLETE -> {
        allowOnly(fields, Set.of("result"), at);
        yield RemoteReport.complete(
            lease.taskId(), lease.token(), result(fields.getValue("result"), payloadLimit, at));
      }
      case FAIL -> {
        allowOnly(fields, Set.of("error", "retry_in", "discard"), at);
        if (!(fields.getValue("error") instanceof String error)
            || error.length() > MAX_ERROR
            || StorableJson.problemInText(error) != null) {
          throw invalid(at + "error must be a string of at most " + MAX_ERROR + " characters");
        }
        Duration retryIn =
            fields.getValue("retry_in") == null
                ? null
                : duration(fields, "retry_in", Duration.ZERO, MAX_RETRY_IN, null, at);
        Object discard = fields.getValue("discard");
        if (discard != null && !(discard instanceof Boolean)) {
          throw invalid(at + "discard must be true or false");
        }
        boolean discarded = Boolean.TRUE.equals(discard);
        if (discarded && retryIn != null) {
          throw invalid(at + "retry_in and discard=true contradict each other: give one");
        }
        yield RemoteReport.fail(lease.taskId(), lease.token(), error, retryIn, discarded);
      }
      case RELEASE -> {
        allowOnly(fields, Set.of(), at);
        yield RemoteReport.release(lease.taskId(), lease.token());
      }
      case PROGRESS -> throw new IllegalArgumentException("progress is not an outcome");
    };
  }

  /** A single-outcome route's body: its lease token beside the outcome's own fields. */
  static RemoteReport single(RemoteReport.Type type, JsonObject body, int payloadLimit) {
    if (!body.containsKey("lease_token")) {
      throw invalid("lease_token is missing");
    }
    LeaseTokens.Lease lease = LeaseTokens.decode(body.getValue("lease_token"), "lease_token");
    JsonObject fields = body.copy();
    fields.remove("lease_token");
    return outcome(type, lease, fields, payloadLimit, "");
  }

  /** The outcomes of a batch, 1 to {@value #MAX_OUTCOMES}; each unread one left as given. */
  static JsonArray outcomes(JsonObject body) {
    allowOnly(body, Set.of("outcomes"), "");
    if (!(body.getValue("outcomes") instanceof JsonArray outcomes)
        || outcomes.isEmpty()
        || outcomes.size() > MAX_OUTCOMES) {
      throw invalid("outcomes must be an array of 1 to " + MAX_OUTCOMES + " outcomes");
    }
    return outcomes;
  }

  /**
   * One outcome of a batch: {@code {"lease_token", "complete" | "fail" | "release": {...}}}.
   *
   * @throws ApiError as {@link #outcome}
   */
  static RemoteReport batched(Object item, int payloadLimit, String at) {
    if (!(item instanceof JsonObject outcome)) {
      throw invalid(at + "must be a JSON object");
    }
    LeaseTokens.Lease lease =
        LeaseTokens.decode(outcome.getValue("lease_token"), at + "lease_token");
    List<String> kinds =
        outcome.fieldNames().stream().filter(name -> !name.equals("lease_token")).toList();
    if (kinds.size() != 1) {
      throw invalid(at + "must hold lease_token and one of complete, fail or release");
    }
    String kind = kinds.get(0);
    RemoteReport.Type type =
        switch (kind) {
          case "complete" -> RemoteReport.Type.COMPLETE;
          case "fail" -> RemoteReport.Type.FAIL;
          case "release" -> RemoteReport.Type.RELEASE;
          default ->
              throw invalid(at + "unknown field '" + kind + "'; allowed: complete, fail, release");
        };
    if (!(outcome.getValue(kind) instanceof JsonObject fields)) {
      throw invalid(at + kind + " must be a JSON object");
    }
    return outcome(type, lease, fields, payloadLimit, at + kind + ".");
  }

  /** A result as JSON text, within the payload limit. */
  private static String result(Object result, int payloadLimit, String at) {
    String problem = StorableJson.problem(result, at + "result");
    if (problem != null) {
      throw invalid(problem);
    }
    String json;
    try {
      json = Json.encode(result);
    } catch (EncodeException e) {
      throw invalid(at + "result is not JSON");
    }
    if ((long) json.length() * 3 > payloadLimit) { // only then can it be over: count its bytes
      int bytes = json.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > payloadLimit) {
        throw new ApiError(
            413,
            "payload_too_large",
            at
                + "result is "
                + bytes
                + " bytes of JSON; a task's result may take "
                + payloadLimit
                + " (tasks.payload_limit)");
      }
    }
    return json;
  }

  static void allowOnly(JsonObject body, Set<String> fields, String at) {
    for (String field : body.fieldNames()) {
      if (!fields.contains(field)) {
        throw invalid(
            at
                + "unknown field '"
                + field
                + "'"
                + (fields.isEmpty() ? "" : "; allowed: " + String.join(", ", sorted(fields))));
      }
    }
  }

  static int integer(JsonObject body, String field, int min, int max, int absent) {
    Object value = body.getValue(field);
    if (value == null) {
      return absent;
    }
    if (!(value instanceof Integer number) || number < min || number > max) {
      throw invalid(field + " must be an integer from " + min + " to " + max);
    }
    return number;
  }

  static Duration duration(
      JsonObject body, String field, Duration min, Duration max, Duration absent) {
    return duration(body, field, min, max, absent, "");
  }

  private static Duration duration(
      JsonObject body, String field, Duration min, Duration max, Duration absent, String at) {
    Object value = body.getValue(field);
    if (value == null) {
      return absent;
    }
    if (!(value instanceof String text)) {
      throw invalid(at + field + " must be a duration such as \"30s\" or \"500ms\"");
    }
    try {
      return Durations.parse(text, min, max);
    } catch (IllegalArgumentException e) {
      throw invalid(at + field + ": " + e.getMessage());
    }
  }

  private static List<String> sorted(Set<String> fields) {
    return fields.stream().sorted().toList();
  }

  static ApiError invalid(String message) {
    return ApiError.badRequest("invalid_field", message);
  }
}
