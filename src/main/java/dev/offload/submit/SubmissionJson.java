package dev.offload.submit;

import dev.offload.config.AllowedHosts;
import dev.offload.config.TaskConfig;
import dev.offload.support.Durations;
import dev.offload.task.InvalidTaskException;
import dev.offload.task.Lane;
import dev.offload.task.NewTask;
import dev.offload.task.TaskHandler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a {@code POST /tasks} body into a {@link NewTask}, or an {@link InvalidTaskException}
 * naming the field at fault. Strict: unknown fields are rejected, so a misspelt option is an error
 * instead of a silently ignored default. The kind and args pass the {@link TaskChecks} of every
 * submission, at the point where the first error found is the one reported.
 */
final class SubmissionJson {

  private static final Set<String> FIELDS =
      Set.of(
          "kind",
          "args",
          "queue",
          "priority",
          "max_attempts",
          "timeout",
          "delay",
          "run_at",
          "unique_key",
          "callback_url");
  static final int MAX_BATCH = 1_000;
  private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
  private static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
  private static final Duration MAX_TIMEOUT = Duration.ofDays(1);
  private static final Duration MAX_DELAY = Duration.ofDays(365);

  private final TaskChecks checks;
  private final TaskConfig defaults;
  private final AllowedHosts allowedHosts;

  SubmissionJson(TaskChecks checks, TaskConfig defaults, AllowedHosts allowedHosts) {
    this.checks = checks;
    this.defaults = defaults;
    this.allowedHosts = allowedHosts;
  }

  /**
   * @param idempotencyKey the {@code Idempotency-Key} header, or null; same meaning as the {@code
   *     unique_key} field, and they must agree when both are given
   */
  NewTask parse(JsonObject body, String idempotencyKey, Instant now) {
    String uniqueKey = uniqueKey(body.getValue("unique_key"));
    if (idempotencyKey != null) {
      String fromHeader = uniqueKey(idempotencyKey);
      if (uniqueKey != null && !uniqueKey.equals(fromHeader)) {
        throw invalid(
            "the Idempotency-Key header and unique_key differ; give one, or the same in both");
      }
      uniqueKey = fromHeader;
    }
    return parseOne(
        body, uniqueKey, uniqueKey == null ? null : RequestFingerprint.of(body, "unique_key"), now);
  }

  /**
   * {@code {"tasks": [...]}}, 1 to 1,000 submissions; the first invalid one fails them all. With
   * {@code idempotencyKey} (the {@code Idempotency-Key} header, or null), the batch is one
   * idempotent request: its task at position i takes the unique key {@code batch:<key>#<i>}, each
   * with the fingerprint of the whole body, so that repeating the batch gives its tasks again and
   * changing anything in it is a conflict. Without it, each task may have its own {@code
   * unique_key}; two tasks of one batch with the same key are an error.
   */
  List<NewTask> parseBatch(JsonObject body, String idempotencyKey, Instant now) {
    if (!body.fieldNames().equals(Set.of("tasks"))
        || !(body.getValue("tasks") instanceof JsonArray tasks)) {
      throw invalid("the body must be {\"tasks\": [...]}");
    }
    if (tasks.isEmpty() || tasks.size() > MAX_BATCH) {
      throw invalid("tasks must hold 1 to " + MAX_BATCH + " tasks, not " + tasks.size());
    }
    String batchKey = idempotencyKey == null ? null : uniqueKey(idempotencyKey);
    String batchHash = batchKey == null ? null : RequestFingerprint.of(body);
    Map<String, Integer> positionsByKey = new HashMap<>();
    List<NewTask> parsed = new ArrayList<>(tasks.size());
    for (int i = 0; i < tasks.size(); i++) {
      if (!(tasks.getValue(i) instanceof JsonObject task)) {
        throw invalid("tasks[" + i + "] must be a JSON object");
      }
      try {
        String ownKey = uniqueKey(task.getValue("unique_key"));
        if (batchKey != null && ownKey != null) {
          throw invalid(
              "unique_key is not allowed with the Idempotency-Key header, which covers the batch");
        }
        Integer earlier = ownKey == null ? null : positionsByKey.putIfAbsent(ownKey, i);
        if (earlier != null) {
          throw invalid("unique_key '" + ownKey + "' is also the key of tasks[" + earlier + "]");
        }
        parsed.add(
            batchKey != null
                ? parseOne(task, "batch:" + batchKey + "#" + i, batchHash, now)
                : parseOne(
                    task,
                    ownKey,
                    ownKey == null ? null : RequestFingerprint.of(task, "unique_key"),
                    now));
      } catch (InvalidTaskException e) {
        throw e.at("tasks[" + i + "]: ");
      }
    }
    return parsed;
  }

  private NewTask parseOne(JsonObject body, String uniqueKey, String requestHash, Instant now) {
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw invalid(
            "unknown field '"
                + field
                + "'; allowed: "
                + String.join(", ", FIELDS.stream().sorted().toList()));
      }
    }
    TaskHandler handler = handler(body.getValue("kind"));
    JsonObject args = args(body.getValue("args"));
    checks.checkArgs(handler, args);
    String unstorable = unstorable(args, "args");
    if (unstorable != null) {
      throw invalid(unstorable);
    }
    String argsJson = encodeWithin(args);
    Lane lane = Lane.of(handler);
    return new NewTask(
        handler.kind(),
        lane,
        queue(body.getValue("queue")),
        args,
        integer(body, "priority", 0, 9, NewTask.DEFAULT_PRIORITY),
        integer(body, "max_attempts", 1, 1000, defaults.defaultMaxAttempts()),
        duration(body, "timeout", MIN_TIMEOUT, MAX_TIMEOUT, defaults.defaultTimeout()),
        scheduledAt(body, now),
        uniqueKey,
        callbackUrl(body.getValue("callback_url")),
        requestHash,
        argsJson,
        null);
  }

  /**
   * The same limit on every route that makes a task (one, a batch, an upload's): measured as the
   * JSON that is stored, whatever the whitespace of what was sent.
   */
  private String encodeWithin(JsonObject args) {
    String json = args.encode();
    // A UTF-8 byte count only near the limit: a char takes at most 3 bytes, so most args need none.
    if ((long) json.length() * 3 > defaults.payloadLimit()) {
      int bytes = json.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > defaults.payloadLimit()) {
        throw InvalidTaskException.payloadTooLarge(
            "args take "
                + bytes
                + " bytes as JSON; a task's args may take at most "
                + defaults.payloadLimit()
                + " (tasks.payload_limit)");
      }
    }
    return json;
  }

  /** Only to an allowed host: a callback is an outbound call like any other. */
  private String callbackUrl(Object url) {
    if (url == null) {
      return null;
    }
    if (!(url instanceof String text) || text.length() > 2048) {
      throw invalid("callback_url must be a URL of at most 2048 characters");
    }
    try {
      allowedHosts.check(text);
    } catch (IllegalArgumentException e) {
      throw invalid("callback_url: " + e.getMessage());
    }
    return text;
  }

  private static String uniqueKey(Object key) {
    if (key == null) {
      return null;
    }
    if (!(key instanceof String text)
        || text.isEmpty()
        || text.length() > 255
        || text.indexOf('\u0000') >= 0) {
      throw invalid(
          "unique_key (or the Idempotency-Key header) must be a string of 1 to 255 characters");
    }
    return text;
  }

  private TaskHandler handler(Object kind) {
    if (kind == null) {
      throw invalid("kind is required; known kinds: " + checks.knownKinds());
    }
    if (!(kind instanceof String name)) {
      throw invalid("kind must be a string");
    }
    return checks.handlerOf(name);
  }

  private static JsonObject args(Object args) {
    if (args == null) {
      return new JsonObject();
    }
    if (!(args instanceof JsonObject object)) {
      throw invalid("args must be a JSON object");
    }
    return object;
  }

  /**
   * What in {@code value} (at {@code path}) jsonb would refuse or store other than as it was sent,
   * said as the error to answer; null if nothing. U+0000 it refuses (our 500 otherwise, not the
   * client's 400). A number beyond a double's range (such as {@code 1e400}) reaches here as an
   * infinity, which JSON cannot hold; an unpaired surrogate (a lone U+D800, say) has no UTF-8 form.
   * Checked after the kind's own checks of its args, whose messages say more.
   */
  private static String unstorable(Object value, String path) {
    if (value instanceof Double number && !Double.isFinite(number)) {
      return path + " is a number out of range: a double cannot hold it";
    }
    if (value instanceof String text) {
      String problem = unstorableText(text);
      return problem == null ? null : path + " contains " + problem;
    }
    if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        String keyProblem = unstorableText(entry.getKey());
        if (keyProblem != null) {
          return path + " has a key that contains " + keyProblem;
        }
        String found = unstorable(entry.getValue(), path + "." + entry.getKey());
        if (found != null) {
          return found;
        }
      }
    }
    if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        String found = unstorable(array.getValue(i), path + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** What in {@code text} jsonb cannot store as it is; null if nothing. */
  private static String unstorableText(String text) {
    if (text.indexOf('\u0000') >= 0) {
      return "the character U+0000, which PostgreSQL cannot store";
    }
    if (text.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE)) {
      return "an unpaired surrogate, which UTF-8 cannot encode";
    }
    return null;
  }

  private static String queue(Object queue) {
    if (queue == null) {
      return NewTask.DEFAULT_QUEUE;
    }
    if (!(queue instanceof String name) || !QUEUE.matcher(name).matches()) {
      throw invalid("queue must be 1-128 characters of letters, digits, '_', '.', ':' or '-'");
    }
    return name;
  }

  private static int integer(JsonObject body, String field, int min, int max, int fallback) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer || value instanceof Long)
        || ((Number) value).longValue() < min
        || ((Number) value).longValue() > max) {
      throw invalid(field + " must be an integer from " + min + " to " + max);
    }
    return ((Number) value).intValue();
  }

  private static Duration duration(
      JsonObject body, String field, Duration min, Duration max, Duration fallback) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String) && !(value instanceof Number)) {
      throw invalid(field + " must be a duration such as \"30s\" or a number of seconds");
    }
    try {
      return Durations.parse(String.valueOf(value), min, max);
    } catch (IllegalArgumentException e) {
      throw invalid(field + ": " + e.getMessage());
    }
  }

  private static Instant scheduledAt(JsonObject body, Instant now) {
    boolean hasDelay = body.getValue("delay") != null;
    Object runAt = body.getValue("run_at");
    if (hasDelay && runAt != null) {
      throw invalid("give either delay or run_at, not both");
    }
    if (hasDelay) {
      return now.plus(duration(body, "delay", Duration.ZERO, MAX_DELAY, Duration.ZERO));
    }
    if (runAt == null) {
      return null;
    }
    if (!(runAt instanceof String text)) {
      throw invalid("run_at must be an ISO-8601 date-time string");
    }
    Instant instant;
    try {
      instant = OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw invalid(
          "run_at must be an ISO-8601 date-time with an offset, e.g. 2030-01-01T12:00:00Z");
    }
    if (instant.isAfter(now.plus(MAX_DELAY))) {
      throw invalid("run_at must be at most " + MAX_DELAY.toDays() + " days ahead");
    }
    return instant;
  }

  private static InvalidTaskException invalid(String message) {
    return InvalidTaskException.invalidField(message);
  }
}
