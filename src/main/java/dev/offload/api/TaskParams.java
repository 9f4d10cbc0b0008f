package dev.offload.api;

import dev.offload.store.TaskFilter.HeavyFields;
import dev.offload.task.TaskState;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** The query parameters and path parts that name tasks, read the same way on every route. */
public final class TaskParams {

  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private TaskParams() {}

  /** A task id, or a 400 invalid_id naming {@code name}. */
  public static UUID uuid(String text, String name) {
    if (!isUuid(text)) {
      throw ApiError.badRequest(
          "invalid_id", name + " must be a task id (a UUID), got '" + text + "'");
    }
    return UUID.fromString(text);
  }

  public static boolean isUuid(String text) {
    return text != null && UUID_TEXT.matcher(text).matches();
  }

  /**
   * {@code fields=args,result,errors} (any of them, comma-separated or repeated): the heavy fields
   * asked for; without it, none.
   */
  public static HeavyFields fields(List<String> values) {
    boolean args = false;
    boolean result = false;
    boolean errors = false;
    for (String value : values) {
      for (String field : value.split(",", -1)) {
        switch (field.trim()) {
          case "args" -> args = true;
          case "result" -> result = true;
          case "errors" -> errors = true;
          default ->
              throw ApiError.badRequest(
                  "invalid_query",
                  "fields lists any of args, result, errors (comma-separated), got '"
                      + field
                      + "'");
        }
      }
    }
    return new HeavyFields(args, result, errors);
  }

  /** PostgreSQL text cannot hold U+0000; such a filter is the client's 400, not a failed query. */
  public static String filterText(RoutingContext ctx, String name) {
    return text(ctx.queryParams().get(name), name, "invalid_query");
  }

  /** {@code value}, or a 400 {@code code} if it holds U+0000. */
  public static String text(String value, String name, String code) {
    if (value != null && value.indexOf('\u0000') >= 0) {
      throw ApiError.badRequest(code, name + " must not contain the character U+0000");
    }
    return value;
  }

  /** A task state by its name, or a 400 {@code code}. */
  public static TaskState state(String name, String code) {
    return TaskState.fromWireName(name)
        .orElseThrow(
            () ->
                ApiError.badRequest(
                    code,
                    "state must be one of " + TaskState.wireNames() + ", got '" + name + "'"));
  }

  /** The states of a repeated {@code state} parameter; empty for any. */
  public static Set<TaskState> states(List<String> names) {
    Set<TaskState> states = EnumSet.noneOf(TaskState.class);
    names.forEach(name -> states.add(state(name, "invalid_query")));
    return states;
  }

  /** An ISO-8601 instant ({@code 2026-03-01T09:00:00Z}), or a 400 {@code code}; null for none. */
  public static Instant instant(String text, String name, String code) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest(
          code,
          name + " must be an ISO-8601 time such as 2026-03-01T09:00:00Z, got '" + text + "'");
    }
  }
}
