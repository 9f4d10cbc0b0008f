package dev.offload.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Hostile values drawn from a seeded {@link SplittableRandom}: JSON texts (numbers no double holds,
 * strings with U+0000 and lone surrogates, nesting past any limit, literals that are not JSON),
 * bytes that are not UTF-8, query values and path segments. The same seed draws the same values, so
 * a failing case is replayed from its seed alone.
 *
 * <p>Property-based testing without a library: jqwik, the usual one for JUnit 5, asks that AI
 * agents not use it, and one wrote this suite; a seeded random source and JUnit's dynamic tests do
 * the work instead.
 */
final class Hostile {

  /** Numbers that a double cannot hold exactly, or at all, and integers past every integer type. */
  private static final List<String> NUMBERS =
      List.of(
          "1e400",
          "-1e400",
          "1e-400",
          "-1e-400",
          "1E+400",
          "1e999999999",
          "4.9e-325",
          "2.5e-324",
          "1.7976931348623159e308",
          "0.1000000000000000000001",
          "3.14159265358979323846",
          "9223372036854775807",
          "9223372036854775808",
          "-9223372036854775809",
          "2147483648",
          "-2147483649",
          "-0",
          "-0.0",
          "0e0",
          "1e2",
          "123456789012345678901234567890.5",
          "1e-7",
          "0.30000000000000004");

  /** Texts that are not JSON at all, or not a whole JSON value. */
  private static final List<String> NOT_JSON =
      List.of(
          "NaN",
          "Infinity",
          "-Infinity",
          "undefined",
          "tru",
          "nul",
          "'single'",
          "0x1F",
          "01",
          "1.",
          "+1",
          ".5",
          "1e",
          "--1",
          "\"unterminated",
          "{",
          "[",
          "}",
          ",",
          "",
          "\"\\x41\"",
          "\"\\u12\"");

  /** Pieces of a JSON string literal, escaped or raw; raw control characters are not JSON. */
  private static final List<String> STRING_PIECES =
      List.of(
          "\\u0000",
          "\\ud800",
          "\\udfff",
          "\\udc00\\ud800",
          "\\ud83d\\ude00",
          "\\ud83d",
          "\uD83D\uDE00",
          "\\n",
          "\\\"",
          "\\\\",
          "\\/",
          "\u0001",
          "\t",
          "\u007f",
          "\u202e",
          "\ufeff",
          "\uffff",
          "\ufffe",
          "a",
          "\u00e9",
          "\u0000",
          "%00",
          "<script>alert(1)</script>",
          "' OR 1=1 --",
          "${jndi:ldap://127.0.0.1:1/x}",
          "=cmd|' /C calc'!A0",
          "../../etc/passwd",
          "\\u00e9",
          "@",
          " ");

  /** Byte sequences that start no valid UTF-8 character, and a raw NUL. */
  private static final List<byte[]> NOT_UTF8 =
      List.of(
          bytes(0xff),
          bytes(0xfe),
          bytes(0xc0, 0x80),
          bytes(0xc1, 0xbf),
          bytes(0xed, 0xa0, 0x80),
          bytes(0xed, 0xbf, 0xbf),
          bytes(0xe2, 0x82),
          bytes(0xf4, 0x90, 0x80, 0x80),
          bytes(0xf8, 0x88, 0x80, 0x80, 0x80),
          bytes(0x80),
          bytes(0xbf),
          bytes(0xe0, 0x80, 0x80),
          bytes(0xf0, 0x80, 0x80, 0x80),
          bytes(0xc3),
          bytes(0x00));

  /** Query values, already percent-encoded as they go on the request line. */
  private static final List<String> QUERY_VALUES =
      List.of(
          "%00",
          "%FF",
          "%C0%80",
          "%ED%A0%80",
          "%F4%90%80%80",
          "%",
          "%G1",
          "%2",
          "%%",
          "+",
          "%20",
          "-1",
          "0",
          "1001",
          "1e3",
          "0x1F",
          "99999999999999999999",
          "%201",
          "1%00",
          "%D9%A1",
          "1.5",
          "",
          "null",
          "true",
          "%5B%5D",
          "%7B%7D",
          "%0D%0A",
          "%0A",
          "..%2F..",
          "%2E%2E%2F",
          "00000000-0000-0000-0000-000000000000",
          "ffffffff-ffff-ffff-ffff-ffffffffffff",
          "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
          "%F0%9F%92%A5",
          "%E2%80%AE",
          "%EF%BB%BF");

  /** Path segments, already percent-encoded. */
  private static final List<String> PATH_SEGMENTS =
      List.of(
          "",
          ".",
          "..",
          "%2e%2e",
          "%2E",
          "%2F",
          "%5C",
          "%00",
          "%FF",
          "%C0%AE",
          "%ED%A0%80",
          "%",
          "%zz",
          "%25",
          "%2525",
          "0",
          "-1",
          "9223372036854775808",
          "00000000-0000-0000-0000-000000000000",
          "%0D%0A",
          "%23",
          "%3F",
          ";a=b",
          "a;b",
          "%F0%9F%92%A5",
          "~",
          "*",
          ":id",
          "@");

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final SplittableRandom random;

  Hostile(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** A case's own seed, from the run's seed, its family and its index: replayable alone. */
  static long caseSeed(long runSeed, String family, int index) {
    return new SplittableRandom(runSeed * 31 + family.hashCode()).split().nextLong() + index;
  }

  // ---- choices

  /** From {@code min} to {@code max}, both included. */
  int between(int min, int max) {
    return random.nextInt(min, max + 1);
  }

  boolean percent(int chance) {
    return random.nextInt(100) < chance;
  }

  <T> T pick(List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }

  @SafeVarargs
  final <T> T pick(T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  long nextLong() {
    return random.nextLong();
  }

  // ---- JSON texts

  /** A hostile JSON value as text: mostly valid JSON, sometimes not JSON at all. */
  String value() {
    return switch (between(0, 9)) {
      case 0, 1 -> number();
      case 2, 3 -> string();
      case 4 -> nesting(depth());
      case 5 -> pick("true", "false", "null", "{}", "[]", "\"\"");
      case 6 -> "[" + number() + "," + string() + ",{" + string() + ":" + number() + "}]";
      case 7 -> pick(NOT_JSON);
      case 8 -> "\"" + "x".repeat(between(1_000, 100_000)) + "\"";
      default -> "{" + key() + ":" + pick(number(), string()) + "}";
    };
  }

  /** A number no double holds exactly, or at all, or an integer past every integer type. */
  String number() {
    return switch (between(0, 5)) {
      case 0 -> digits(between(20, 400));
      case 1 -> "-" + digits(between(20, 400));
      case 2 -> String.valueOf(random.nextLong());
      case 3 -> String.valueOf(Double.longBitsToDouble(random.nextLong()));
      default -> pick(NUMBERS);
    };
  }

  /** A JSON string literal of hostile pieces (raw control characters make it invalid JSON). */
  String string() {
    StringBuilder text = new StringBuilder("\"");
    for (int i = between(1, 8); i > 0; i--) {
      text.append(pick(STRING_PIECES));
    }
    return text.append('"').toString();
  }

  /** An object key, as a JSON string literal. */
  String key() {
    return pick(
        string(),
        "\"\"",
        "\"\\u0000\"",
        "\"__proto__\"",
        "\"constructor\"",
        "\"" + "k".repeat(between(100, 60_000)) + "\"",
        "\"unknown_" + between(0, 999) + "\"");
  }

  /** A depth around and far beyond the 256 levels bodies may nest. */
  int depth() {
    return percent(50) ? pick(255, 256, 257, 300, 1_000, 10_000, 100_000) : between(1, 300);
  }

  /** {@code depth} levels of arrays, objects or both; sometimes never closed. */
  String nesting(int depth) {
    return switch (between(0, 3)) {
      case 0 -> "[".repeat(depth) + "]".repeat(depth);
      case 1 -> "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
      case 2 -> "[{\"a\":".repeat(depth) + "1" + "}]".repeat(depth);
      default -> "[".repeat(depth);
    };
  }

  /** A decimal integer of {@code count} digits. */
  String digits(int count) {
    StringBuilder digits = new StringBuilder().append((char) ('1' + random.nextInt(9)));
    for (int i = 1; i < count; i++) {
      digits.append((char) ('0' + random.nextInt(10)));
    }
    return digits.toString();
  }

  /** A plain JSON string literal of {@code length} characters: for bodies past every limit. */
  static String longString(int length) {
    return "\"" + "x".repeat(length) + "\"";
  }

  // ---- bytes

  /** Bytes that start no valid UTF-8 character (or a raw NUL). */
  byte[] notUtf8() {
    return pick(NOT_UTF8);
  }

  /**
   * {@code body} with {@code inserted} put in at a random place, preferably just inside a string.
   */
  byte[] insert(byte[] body, byte[] inserted) {
    int at = body.length == 0 ? 0 : random.nextInt(body.length + 1);
    for (int tries = 0; tries < 20 && body.length > 0; tries++) {
      int candidate = random.nextInt(body.length);
      if (body[candidate] == '"') {
        at = candidate + 1;
        break;
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + inserted.length);
    out.write(body, 0, at);
    out.writeBytes(inserted);
    out.write(body, at, body.length - at);
    return out.toByteArray();
  }

  // ---- request lines

  /** A query value, percent-encoded: hostile, or random bytes. */
  String queryValue() {
    return switch (between(0, 5)) {
      case 0 -> percentEncode(randomBytes(between(1, 12)));
      case 1 -> "a".repeat(pick(300, 3_000, 5_000));
      case 2 -> digits(between(1, 40));
      default -> pick(QUERY_VALUES);
    };
  }

  /** A path segment, percent-encoded: hostile, or random bytes. */
  String pathSegment() {
    return switch (between(0, 4)) {
      case 0 -> percentEncode(randomBytes(between(1, 12)));
      case 1 -> percentEncode(string().getBytes(StandardCharsets.UTF_8));
      case 2 -> pick(uuid().toString(), String.valueOf(random.nextLong()));
      default -> pick(PATH_SEGMENTS);
    };
  }

  /** Any UUID, of any version: one that names no task. */
  UUID uuid() {
    return new UUID(random.nextLong(), random.nextLong());
  }

  byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    return bytes;
  }

  static String percentEncode(byte[] bytes) {
    StringBuilder encoded = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      encoded.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
    }
    return encoded.toString();
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }
}
