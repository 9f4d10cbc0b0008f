package dev.offload.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The bearer tokens a node accepts, each with a name and its scopes. Only the SHA-256 digest of a
 * secret is kept, so no string form (this class's, the config's, a log line's) can show one. Empty
 * when none is configured: then no route needs a token and the admin routes are off.
 */
public final class ApiTokens {

  /** The name under which {@code http.api_token} is accepted, with every scope. */
  public static final String API_TOKEN_NAME = "api_token";

  /** A configured token as the routes see it: its name and what it may do, never its secret. */
  public record Token(String name, Set<Scope> scopes) {

    public Token {
      scopes = Set.copyOf(scopes);
    }

    public boolean has(Scope scope) {
      return scopes.contains(scope);
    }
  }

  private record Entry(Token token, byte[] digest) {}

  private final List<Entry> entries;

  private ApiTokens(List<Entry> entries) {
    this.entries = entries;
  }

  /**
   * @param secrets each token with its secret
   */
  static ApiTokens of(Map<Token, String> secrets) {
    List<Entry> entries = new ArrayList<>();
    secrets.forEach((token, secret) -> entries.add(new Entry(token, digest(secret))));
    return new ApiTokens(List.copyOf(entries));
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The tokens, without their secrets, in the order configured. */
  public List<Token> tokens() {
    return entries.stream().map(Entry::token).toList();
  }

  /**
   * The token whose secret is {@code given}, if any. Constant time: every token is compared, by
   * digests of the same length whatever was given, so how long a guess takes tells neither how long
   * a secret is, how much of one it matched, nor which one.
   */
  public Optional<Token> find(String given) {
    byte[] digest = digest(given);
    Token found = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.digest(), digest)) {
        found = entry.token();
      }
    }
    return Optional.ofNullable(found);
  }

  /** Names and scopes, e.g. {@code ci (read, submit), ops (admin)}; never a secret. */
  @Override
  public String toString() {
    if (entries.isEmpty()) {
      return "none";
    }
    return tokens().stream()
        .map(
            token ->
                token.name()
                    + " ("
                    + token.scopes().stream()
                        .sorted()
                        .map(Scope::wireName)
                        .collect(Collectors.joining(", "))
                    + ")")
        .collect(Collectors.joining(", "));
  }

  private static byte[] digest(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
