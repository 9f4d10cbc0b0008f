package dev.offload.config;

import dev.offload.config.ApiTokens.Token;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks {@code http.tokens}, named freely like a section: {@code {"ci": {"token": "...", "scopes":
 * ["read", "submit"]}}}, from a file or, as the same JSON, from {@code OFFLOAD_HTTP_TOKENS}; and
 * adds {@code http.api_token}, if set, as the token {@value ApiTokens#API_TOKEN_NAME} with every
 * scope. Apart from {@link ConfigValues} because its errors must never show the value: it holds
 * secrets.
 */
final class TokenSection {

  static final String KEY = "http.tokens";

  /** Queue names' characters. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  /**
   * Visible ASCII, as an {@code Authorization} header carries it; long enough that guessing is
   * hopeless whatever produced it.
   */
  private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7e]{16,1024}");

  private static final Set<String> FIELDS = Set.of("token", "scopes");

  /** {@code " (from SOURCE)"}, or empty for the packaged defaults. */
  private final String from;

  private TokenSection(String from) {
    this.from = from;
  }

  /**
   * @param value a JSON object, or its text from an environment variable
   * @param source the file or variable it came from, or null for the packaged defaults
   * @param apiToken {@code http.api_token}, trimmed; empty when not set
   */
  static ApiTokens parse(Object value, String source, String apiToken) {
    return new TokenSection(source == null ? "" : " (from " + source + ")").parse(value, apiToken);
  }

  private ApiTokens parse(Object value, String apiToken) {
    JsonObject named = object(value);
    Map<Token, String> secrets = new LinkedHashMap<>();
    Map<String, String> namesBySecret = new HashMap<>();
    for (String name : named.fieldNames()) {
      if (!NAME.matcher(name).matches() || name.equals(ApiTokens.API_TOKEN_NAME)) {
        throw invalid(
            KEY,
            "a JSON object of token names (1 to 64 letters, digits or _ . : -, not "
                + ApiTokens.API_TOKEN_NAME
                + ") to tokens; "
                + ConfigValues.show(name)
                + " is not one");
      }
      String path = KEY + "." + name;
      if (!(named.getValue(name) instanceof JsonObject entry)
          || !FIELDS.containsAll(entry.fieldNames())) {
        throw invalid(path, "a JSON object {\"token\": \"...\", \"scopes\": [...]}");
      }
      if (!(entry.getValue("token") instanceof String secret)
          || !SECRET.matcher(secret).matches()) {
        throw invalid(
            path + ".token",
            "16 to 1,024 visible ASCII characters (no spaces), e.g. 32 random bytes in hex");
      }
      String twin = namesBySecret.putIfAbsent(secret, name);
      if (twin != null) {
        throw invalid(path + ".token", "different from the token of '" + twin + "'");
      }
      secrets.put(new Token(name, scopes(path + ".scopes", entry.getValue("scopes"))), secret);
    }
    if (!apiToken.isEmpty()) {
      if (namesBySecret.containsKey(apiToken)) {
        throw new ConfigException(
            "invalid configuration: http.api_token and "
                + KEY
                + "."
                + namesBySecret.get(apiToken)
                + " must not be the same token");
      }
      secrets.put(new Token(ApiTokens.API_TOKEN_NAME, EnumSet.allOf(Scope.class)), apiToken);
    }
    return ApiTokens.of(secrets);
  }

  private JsonObject object(Object value) {
    if (value instanceof JsonObject object) {
      return object;
    }
    if (value instanceof String text) {
      try {
        return new JsonObject(text);
      } catch (DecodeException e) {
        // The message of a JSON error quotes the text around it: a secret, maybe.
      }
    }
    throw invalid(
        KEY,
        "a JSON object such as {\"ci\": {\"token\": \"...\", \"scopes\": [\"read\", \"submit\"]}}");
  }

  private Set<Scope> scopes(String path, Object value) {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    boolean known = value instanceof JsonArray list && !list.isEmpty();
    if (known) {
      for (Object name : (JsonArray) value) {
        Optional<Scope> scope =
            name instanceof String text ? Scope.fromWireName(text) : Optional.empty();
        known &= scope.isPresent();
        scope.ifPresent(scopes::add);
      }
    }
    if (!known) {
      throw invalid(
          path,
          "a non-empty list of "
              + EnumSet.allOf(Scope.class).stream()
                  .map(Scope::wireName)
                  .collect(Collectors.joining(", "))
              + ", got "
              + ConfigValues.show(value));
    }
    return scopes;
  }

  private ConfigException invalid(String path, String expectation) {
    return new ConfigException("invalid configuration: " + path + from + " must be " + expectation);
  }
}
