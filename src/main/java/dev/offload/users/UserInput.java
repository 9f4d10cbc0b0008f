package dev.offload.users;

import dev.offload.api.ApiError;
import dev.offload.api.JsonBodies;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns what a client sent into user values, or a 400 naming what is wrong. Strict, like task
 * submissions: unknown fields are rejected, so a misspelt field is an error rather than a silent
 * no-op.
 *
 * <p>Both strings are trimmed, then must be valid Unicode without control characters (PostgreSQL
 * text cannot hold U+0000, and a tab or line break in a name would only hurt the planned CSV
 * export). Lengths count characters (code points), as PostgreSQL's {@code length()} in the table's
 * CHECKs does. An email "looks like an email" when it is 3 to 254 characters with exactly one
 * {@code @}, something before and after it, and no whitespace: deliberately simple, since only
 * sending a message proves an address.
 */
final class UserInput {

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1_000;
  private static final Set<String> FIELDS = Set.of("email", "name");
  private static final Pattern DIGITS = Pattern.compile("\\d{1,19}");
  private static final int EMAIL_MIN = 3;
  private static final int EMAIL_MAX = 254;
  private static final int NAME_MAX = 200;

  private UserInput() {}

  /**
   * One row of an import, under the same rules as {@code POST /users}; an {@link
   * InvalidUserException}'s message says why not.
   */
  static NewUser newUser(Object email, Object name) {
    return new NewUser(email(email), name(name));
  }

  /** {@code {"email", "name"}}, both required. */
  static NewUser newUser(RoutingContext ctx) {
    JsonObject body = fieldsOf(ctx);
    if (!body.containsKey("email") || !body.containsKey("name")) {
      throw invalid("email and name are required");
    }
    return new NewUser(email(body.getValue("email")), name(body.getValue("name")));
  }

  /**
   * {@code {"email"}}, {@code {"name"}} or both; a field given as null is an error, not
   * "unchanged".
   */
  static UserPatch patch(RoutingContext ctx) {
    JsonObject body = fieldsOf(ctx);
    if (body.isEmpty()) {
      throw invalid("give email, name or both");
    }
    return new UserPatch(
        body.containsKey("email") ? email(body.getValue("email")) : null,
        body.containsKey("name") ? name(body.getValue("name")) : null);
  }

  /** The {@code :id} path parameter: a positive 64-bit integer in decimal. */
  static long id(RoutingContext ctx) {
    String text = ctx.pathParam("id");
    Long id = positiveLong(text);
    if (id == null) {
      throw ApiError.badRequest(
          "invalid_id", "a user id is a positive 64-bit integer, got '" + text + "'");
    }
    return id;
  }

  /**
   * The {@code after} query parameter: the last id of the previous page; 0 (before every id) when
   * absent.
   */
  static long after(RoutingContext ctx) {
    String text = ctx.queryParams().get("after");
    if (text == null) {
      return 0;
    }
    Long after = positiveLong(text);
    if (after == null) {
      throw ApiError.badRequest(
          "invalid_query", "after must be the next cursor of the previous page (a user id)");
    }
    return after;
  }

  static int limit(RoutingContext ctx) {
    String text = ctx.queryParams().get("limit");
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    Long limit = positiveLong(text);
    if (limit == null || limit > MAX_LIMIT) {
      throw ApiError.badRequest("invalid_query", "limit must be an integer from 1 to " + MAX_LIMIT);
    }
    return limit.intValue();
  }

  /** Null unless {@code text} is only decimal digits naming a value from 1 to Long.MAX_VALUE. */
  private static Long positiveLong(String text) {
    if (!DIGITS.matcher(text).matches()) {
      return null;
    }
    try {
      long value = Long.parseLong(text);
      return value > 0 ? value : null;
    } catch (NumberFormatException tooLarge) {
      return null;
    }
  }

  private static JsonObject fieldsOf(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw invalid("unknown field '" + field + "'; allowed: email, name");
      }
    }
    return body;
  }

  private static String email(Object value) {
    String email = text(value, "email");
    int length = email.codePointCount(0, email.length());
    int at = email.indexOf('@');
    if (length < EMAIL_MIN
        || length > EMAIL_MAX
        || at <= 0
        || at == email.length() - 1
        || email.indexOf('@', at + 1) >= 0
        || email.codePoints().anyMatch(UserInput::isSpace)) {
      throw invalid(
          "email must look like local@domain: "
              + EMAIL_MIN
              + " to "
              + EMAIL_MAX
              + " characters, exactly one '@' with text on both sides, no spaces");
    }
    return email;
  }

  private static String name(Object value) {
    String name = text(value, "name");
    int length = name.codePointCount(0, name.length());
    if (length < 1 || length > NAME_MAX) {
      throw invalid("name must be 1 to " + NAME_MAX + " characters after trimming");
    }
    return name;
  }

  /** A string, trimmed, of valid Unicode without control characters. */
  private static String text(Object value, String field) {
    if (!(value instanceof String text)) {
      throw invalid(field + " must be a string");
    }
    String trimmed = text.strip();
    if (trimmed
        .codePoints()
        .anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE)) {
      throw invalid(
          field + " must not contain control characters (such as U+0000) or unpaired surrogates");
    }
    return trimmed;
  }

  private static boolean isSpace(int codePoint) {
    return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
  }

  private static InvalidUserException invalid(String message) {
    return new InvalidUserException(message);
  }
}
