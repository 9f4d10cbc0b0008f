package dev.offload.config;

import dev.offload.support.Durations;
import dev.offload.support.LogFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads one merged key as a typed value, checking it: strings, bounded integers and durations, the
 * database URL, the node role, the log format, TLS files, browser origins, the outbound allow-list.
 * Apart from {@link ConfigSources} so that where a value came from and what it must be are two
 * separate questions; every error is one line naming the key, what it must be, the value, and the
 * file or variable to fix.
 */
final class ConfigValues {

  private final ConfigSources sources;

  ConfigValues(ConfigSources sources) {
    this.sources = sources;
  }

  String text(String path) {
    if (!(sources.value(path) instanceof String value)) {
      throw invalid(path, "a string");
    }
    return value;
  }

  String matching(String path, Pattern pattern, String description) {
    String value = sources.value(path) instanceof String s ? s : "";
    if (!pattern.matcher(value).matches()) {
      throw invalid(path, description);
    }
    return value;
  }

  int integer(String path, int min, int max) {
    String expectation = "an integer between " + min + " and " + max;
    Object value = sources.value(path);
    long number;
    if (value instanceof Integer || value instanceof Long) {
      number = ((Number) value).longValue();
    } else if (value instanceof String s && s.trim().matches("-?\\d{1,10}")) {
      number = Long.parseLong(s.trim());
    } else {
      throw invalid(path, expectation);
    }
    if (number < min || number > max) {
      throw invalid(path, expectation);
    }
    return (int) number;
  }

  Duration duration(String path, Duration min, Duration max) {
    Object value = sources.value(path);
    String expectation =
        "a duration between "
            + Durations.format(min)
            + " and "
            + Durations.format(max)
            + " (e.g. 250ms, 2s, 1m)";
    if (!(value instanceof String) && !(value instanceof Number)) {
      throw invalid(path, expectation);
    }
    try {
      return Durations.parse(String.valueOf(value), min, max);
    } catch (IllegalArgumentException e) {
      throw invalid(path, expectation);
    }
  }

  String databaseUrl(String path) {
    String value = text(path);
    if (!value.startsWith("postgresql://") && !value.startsWith("postgres://")) {
      throw invalid(path, "a postgresql:// URL");
    }
    SslMode sslMode;
    try {
      sslMode = PgConnectOptions.fromUri(value).getSslMode();
    } catch (RuntimeException e) {
      throw invalid(path, "a valid postgresql:// URL");
    }
    if (sslMode == SslMode.VERIFY_CA || sslMode == SslMode.VERIFY_FULL) {
      Optional<String> rootCert = DatabaseConfig.sslRootCert(value);
      if (rootCert.isEmpty() || !Files.isReadable(Path.of(rootCert.get()))) {
        throw invalid(
            path,
            "a URL whose sslmode="
                + sslMode.value
                + " comes with sslrootcert=<the path of a readable PEM file of the CAs to trust>");
      }
    }
    return value;
  }

  /** Both paths of readable files, or neither: TLS off. */
  Optional<ServerTls> serverTls(String certPath, String keyPath) {
    String cert = text(certPath).trim();
    String key = text(keyPath).trim();
    if (cert.isEmpty() && key.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ServerTls(readable(certPath, cert), readable(keyPath, key)));
  }

  private Path readable(String path, String value) {
    if (value.isEmpty() || !Files.isReadable(Path.of(value))) {
      throw invalid(path, "the path of a readable PEM file (both TLS paths or neither)");
    }
    return Path.of(value);
  }

  NodeRole role(String path) {
    for (NodeRole role : NodeRole.values()) {
      if (role.wireName().equals(sources.value(path))) {
        return role;
      }
    }
    throw invalid(path, "one of api, worker, all");
  }

  LogFormat logFormat(String path) {
    for (LogFormat format : LogFormat.values()) {
      if (format.wireName().equals(sources.value(path))) {
        return format;
      }
    }
    throw invalid(path, "plain or json");
  }

  /**
   * Browser origins such as {@code https://app.example.com}: scheme, host and port only, as a
   * browser's {@code Origin} header names them (lowercase, without the scheme's default port).
   */
  List<String> origins(String path) {
    String expectation =
        "a list of origins such as https://app.example.com or http://localhost:3000";
    if (!(sources.value(path) instanceof JsonArray list)
        || !list.stream().allMatch(String.class::isInstance)) {
      throw invalid(path, expectation);
    }
    List<String> origins = new ArrayList<>();
    for (Object entry : list) {
      URI uri;
      try {
        uri = new URI((String) entry);
      } catch (URISyntaxException e) {
        throw invalid(path, expectation);
      }
      String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https"))
          || uri.getHost() == null
          || uri.getRawUserInfo() != null
          || !uri.getRawPath().isEmpty()
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw invalid(path, expectation + " (no path, not even a trailing /)");
      }
      boolean defaultPort =
          uri.getPort() == -1 || uri.getPort() == (scheme.equals("https") ? 443 : 80);
      origins.add(
          scheme
              + "://"
              + uri.getHost().toLowerCase(Locale.ROOT)
              + (defaultPort ? "" : ":" + uri.getPort()));
    }
    return List.copyOf(origins);
  }

  AllowedHosts allowedHosts(String path) {
    if (!(sources.value(path) instanceof JsonArray list)
        || !list.stream().allMatch(String.class::isInstance)) {
      throw invalid(path, "a list of host, host:port or address range strings");
    }
    try {
      return AllowedHosts.of(list.stream().map(String.class::cast).toList());
    } catch (IllegalArgumentException e) {
      throw invalid(path, "a list of host, host:port or address range (" + e.getMessage() + ")");
    }
  }

  private ConfigException invalid(String path, String expectation) {
    String source = sources.source(path);
    return new ConfigException(
        "invalid configuration: "
            + path
            + (source == null ? "" : " (from " + source + ")")
            + " must be "
            + expectation
            + ", got "
            + show(sources.value(path)));
  }

  /** Renders a bad value for an error line: on one line, hiding the credentials of a URL. */
  static String show(Object value) {
    String text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    return text.replace("\r", "\\r")
        .replace("\n", "\\n")
        // User info up to the last '@': an invalid URL often is one whose password holds a raw '/'
        // or '@'.
        .replaceAll("://.*@", "://***@")
        // libpq also takes the password as a query parameter.
        .replaceAll("(?i)(password=)[^&\"]*", "$1***");
  }
}
