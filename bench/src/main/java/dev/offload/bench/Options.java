package dev.offload.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code --name value} options of one subcommand. Each getter consumes its option; whatever is left is
 * rejected, so a misspelt option fails loudly instead of silently leaving a default in place.
 */
final class Options {

  private final Map<String, String> values = new LinkedHashMap<>();

  Options(String[] args, int from) {
    for (int i = from; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new UsageException("expected --name value, got: " + args[i]);
      }
      values.put(args[i].substring(2), args[i + 1]);
    }
  }

  String string(String name) {
    String value = values.remove(name);
    if (value == null) {
      throw new UsageException("missing --" + name);
    }
    return value;
  }

  /** The option's value, or null when it was not given. */
  String optionalString(String name) {
    return values.remove(name);
  }

  int positiveInt(String name) {
    return positive(name, parse(name, string(name), Integer::parseInt));
  }

  /** Zero allowed (e.g. no warm-up), negative not. */
  int nonNegativeInt(String name, int defaultValue) {
    if (!values.containsKey(name)) {
      return defaultValue;
    }
    int value = parse(name, string(name), Integer::parseInt);
    if (value < 0) {
      throw new UsageException("--" + name + " must not be negative, got " + value);
    }
    return value;
  }

  int positiveInt(String name, int defaultValue) {
    return values.containsKey(name) ? positiveInt(name) : defaultValue;
  }

  double positiveDouble(String name) {
    return positive(name, parse(name, string(name), Double::parseDouble));
  }

  double positiveDouble(String name, double defaultValue) {
    return values.containsKey(name) ? positiveDouble(name) : defaultValue;
  }

  /** The option's value, or null when it was not given. */
  Double optionalPositiveDouble(String name) {
    return values.containsKey(name) ? positiveDouble(name) : null;
  }

  /** The option's value, or null when it was not given. */
  Integer optionalPositiveInt(String name) {
    return values.containsKey(name) ? positiveInt(name) : null;
  }

  UUID uuid(String name) {
    String text = string(name);
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + name + " is not a UUID: " + text);
    }
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  void rejectUnknown() {
    if (!values.isEmpty()) {
      throw new UsageException("unknown option(s): --" + String.join(", --", values.keySet()));
    }
  }

  private static <T extends Number> T positive(String name, T value) {
    if (value.doubleValue() <= 0) {
      throw new UsageException("--" + name + " must be positive, got " + value);
    }
    return value;
  }

  private static <T> T parse(String name, String text, java.util.function.Function<String, T> parser) {
    try {
      return parser.apply(text);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " is not a number: " + text);
    }
  }

  /** A mistake on the command line: reported with the usage text, never with a stack trace. */
  static final class UsageException extends RuntimeException {

    UsageException(String message) {
      super(message);
    }
  }
}
