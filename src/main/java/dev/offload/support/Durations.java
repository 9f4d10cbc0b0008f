package dev.offload.support;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the human durations used across the API and the configuration: {@code 250ms}, {@code 2s},
 * {@code 1m}, {@code 1h}, {@code 7d}, or bare (possibly fractional) seconds such as {@code 2} or
 * {@code 1.5}.
 */
public final class Durations {

  private static final Pattern FORM = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,9})?)(ms|s|m|h|d)?");

  private Durations() {}

  /**
   * @throws IllegalArgumentException with a message fit for a client when the text is not a
   *     duration
   */
  public static Duration parse(String text) {
    Matcher matcher = FORM.matcher(text == null ? "" : text.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: use e.g. 250ms, 2s, 1m, 1h, 7d or bare seconds");
    }
    BigDecimal amount = new BigDecimal(matcher.group(1));
    String unit = matcher.group(2) == null ? "s" : matcher.group(2);
    BigDecimal millis =
        switch (unit) {
          case "ms" -> amount;
          case "s" -> amount.movePointRight(3);
          case "m" -> amount.multiply(BigDecimal.valueOf(60_000));
          case "h" -> amount.multiply(BigDecimal.valueOf(3_600_000));
          default -> amount.multiply(BigDecimal.valueOf(86_400_000));
        };
    return Duration.ofMillis(millis.longValue());
  }

  /** Parses and checks {@code min <= duration <= max}. */
  public static Duration parse(String text, Duration min, Duration max) {
    Duration duration = parse(text);
    if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is out of range: must be between " + format(min) + " and " + format(max));
    }
    return duration;
  }

  /**
   * The shortest exact text for a duration in the same syntax, e.g. {@code 1500ms}, {@code 30s},
   * {@code 5m}.
   */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis != 0 && millis % 86_400_000 == 0) {
      return millis / 86_400_000 + "d";
    }
    if (millis != 0 && millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis != 0 && millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }
}
