package dev.offload.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @Nested
  class Parse {

    static Stream<Arguments> valid_forms() {
      return Stream.of(
          Arguments.of("250ms", Duration.ofMillis(250)),
          Arguments.of("2s", Duration.ofSeconds(2)),
          Arguments.of("1m", Duration.ofMinutes(1)),
          Arguments.of("1h", Duration.ofHours(1)),
          Arguments.of("7d", Duration.ofDays(7)),
          Arguments.of("2", Duration.ofSeconds(2)),
          Arguments.of("1.5", Duration.ofMillis(1500)),
          Arguments.of("0.25s", Duration.ofMillis(250)),
          Arguments.of("1.5m", Duration.ofSeconds(90)),
          Arguments.of("0", Duration.ZERO),
          Arguments.of("0ms", Duration.ZERO));
    }

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @MethodSource("valid_forms")
    void reads_milliseconds_seconds_minutes_hours_and_bare_seconds(String text, Duration expected) {
      assertEquals(expected, Durations.parse(text));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {" 2s", "2s ", "\t2s\n", "  2  "})
    void ignores_surrounding_whitespace(String text) {
      assertEquals(Duration.ofSeconds(2), Durations.parse(text));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
        strings = {
          "", " ", "abc", "-1s", "-1", "2 s", "1w", "1e3", "1.s", ".5", "s", "ms", "1ms2", "+1s",
          "1,5"
        })
    void rejects_anything_else_with_a_message_quoting_the_text(String text) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
      assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void rejects_null_as_an_illegal_argument() {
      assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
    }

    @Test
    void reads_the_largest_accepted_number_of_hours_without_overflow() {
      assertEquals(Duration.ofHours(999_999_999_999L), Durations.parse("999999999999h"));
    }
  }

  @Nested
  class ParseWithinRange {

    private final Duration min = Duration.ofMillis(100);
    private final Duration max = Duration.ofMinutes(1);

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"100ms", "0.1", "60s", "1m"})
    void accepts_both_bounds(String text) {
      Duration parsed = Durations.parse(text, min, max);
      assertTrue(parsed.equals(min) || parsed.equals(max), parsed.toString());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"99ms", "0", "60001ms", "61s", "2m", "1h"})
    void rejects_values_outside_the_bounds_naming_them(String text) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Durations.parse(text, min, max));
      assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("between 100ms and 1m"), e.getMessage());
    }

    @Test
    void still_rejects_malformed_text() {
      assertThrows(IllegalArgumentException.class, () -> Durations.parse("soon", min, max));
    }
  }

  @Nested
  class Format {

    static Stream<Arguments> shortest_forms() {
      return Stream.of(
          Arguments.of(Duration.ZERO, "0s"),
          Arguments.of(Duration.ofMillis(1500), "1500ms"),
          Arguments.of(Duration.ofMillis(250), "250ms"),
          Arguments.of(Duration.ofSeconds(30), "30s"),
          Arguments.of(Duration.ofSeconds(90), "90s"),
          Arguments.of(Duration.ofMinutes(5), "5m"),
          Arguments.of(Duration.ofMinutes(90), "90m"),
          Arguments.of(Duration.ofHours(2), "2h"),
          Arguments.of(Duration.ofHours(36), "36h"),
          Arguments.of(Duration.ofDays(30), "30d"));
    }

    @ParameterizedTest(name = "{0} is \"{1}\"")
    @MethodSource("shortest_forms")
    void writes_the_largest_unit_that_is_exact(Duration duration, String expected) {
      assertEquals(expected, Durations.format(duration));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        longs = {
          0,
          1,
          999,
          1000,
          1001,
          59_999,
          60_000,
          61_000,
          3_599_999,
          3_600_000,
          86_400_000,
          123_456_789
        })
    void parse_reads_back_what_format_wrote(long millis) {
      Duration duration = Duration.ofMillis(millis);
      assertEquals(duration, Durations.parse(Durations.format(duration)));
    }
  }
}
