package dev.offload.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonTokenId;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON request body into a {@link JsonObject} of the same types Vert.x's own decoding gives
 * (strings, Integer/Long/BigInteger, Double, booleans, null, nested objects and arrays), but
 * refuses, with a 400 naming the field, what that decoding would change without a trace:
 *
 * <ul>
 *   <li>bytes that are not UTF-8 (they would become U+FFFD or worse);
 *   <li>a key given twice in one object (the last would silently win);
 *   <li>a number that a double cannot hold exactly: {@code 1e-400} would become 0, {@code
 *       0.1000000000000000000001} would lose digits. Numbers too large for a double ({@code 1e400})
 *       decode to an infinity, which the routes report themselves, naming what the field means.
 * </ul>
 *
 * Objects nest at most {@value #MAX_DEPTH} deep. Like Vert.x, it accepts C-style comments.
 */
public final class StrictJson {

  static final int MAX_DEPTH = 256;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
          .build();

  private StrictJson() {}

  /**
   * @throws ApiError 400 {@code invalid_json} when {@code body} is not one JSON object in UTF-8,
   *     {@code invalid_field} for a key given twice or an inexact number
   */
  public static JsonObject parseObject(byte[] body) {
    int badByte = firstInvalidUtf8(body);
    if (badByte >= 0) {
      throw ApiError.badRequest(
          "invalid_json",
          "the body is not valid UTF-8: byte "
              + badByte
              + where(pathBefore(body, badByte))
              + " starts no valid character");
    }
    try (JsonParser parser = FACTORY.createParser(body)) {
      if (parser.nextToken() == null || parser.currentTokenId() != JsonTokenId.ID_START_OBJECT) {
        throw notAnObject();
      }
      JsonObject object = object(parser);
      if (parser.nextToken() != null) {
        throw ApiError.badRequest("invalid_json", "the body holds more than one JSON value");
      }
      return object;
    } catch (StreamConstraintsException tooDeep) {
      throw ApiError.badRequest(
          "invalid_json", "the body nests objects or arrays more than " + MAX_DEPTH + " deep");
    } catch (JsonProcessingException malformed) {
      throw ApiError.badRequest(
          "invalid_json",
          "the body must be a JSON object, and is not valid JSON: "
              + malformed.getOriginalMessage());
    } catch (IOException unreadable) {
      // A parser over a byte array reads no stream; there is nothing else to fail.
      throw ApiError.badRequest("invalid_json", "the body could not be read");
    }
  }

  private static JsonObject object(JsonParser parser) throws IOException {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
      if (fields.containsKey(name)) {
        throw ApiError.badRequest(
            "invalid_field", path(parser.getParsingContext()) + " is given twice");
      }
      parser.nextToken();
      fields.put(name, value(parser));
    }
    return new JsonObject(fields);
  }

  private static JsonArray array(JsonParser parser) throws IOException {
    List<Object> items = new ArrayList<>();
    while (parser.nextToken() != null && parser.currentTokenId() != JsonTokenId.ID_END_ARRAY) {
      items.add(value(parser));
    }
    return new JsonArray(items);
  }

  private static Object value(JsonParser parser) throws IOException {
    return switch (parser.currentTokenId()) {
      case JsonTokenId.ID_START_OBJECT -> object(parser);
      case JsonTokenId.ID_START_ARRAY -> array(parser);
      case JsonTokenId.ID_STRING -> parser.getText();
      case JsonTokenId.ID_NUMBER_INT -> parser.getNumberValue();
      case JsonTokenId.ID_NUMBER_FLOAT -> exactDouble(parser);
      case JsonTokenId.ID_TRUE -> Boolean.TRUE;
      case JsonTokenId.ID_FALSE -> Boolean.FALSE;
      case JsonTokenId.ID_NULL -> null;
      default -> throw notAnObject();
    };
  }

  /**
   * The number as a double, if the double is the number: what is stored is the double's shortest
   * decimal form, so that form must equal what was sent.
   */
  private static double exactDouble(JsonParser parser) throws IOException {
    double number = parser.getDoubleValue();
    if (Double.isFinite(number)
        && new BigDecimal(parser.getText()).compareTo(BigDecimal.valueOf(number)) != 0) {
      throw ApiError.badRequest(
          "invalid_field",
          path(parser.getParsingContext())
              + " is "
              + parser.getText()
              + ", which a double cannot hold exactly (it would be stored as "
              + number
              + ")");
    }
    return number;
  }

  /** Where the first byte that starts no valid UTF-8 character is, or -1 if there is none. */
  private static int firstInvalidUtf8(byte[] body) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    // Decoded a piece at a time into one small buffer: only validity matters, not the text.
    CharBuffer out = CharBuffer.allocate(4096);
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        return in.position();
      }
      if (result.isUnderflow()) {
        return -1;
      }
      out.clear();
    }
  }

  /** The field being read where the body's first {@code length} bytes end, if any. */
  private static String pathBefore(byte[] body, int length) {
    try (JsonParser parser = FACTORY.createParser(body, 0, length)) {
      try {
        while (parser.nextToken() != null) {
          // Only where the parser stands matters.
        }
      } catch (IOException endedMidValue) {
        // The prefix ends inside a value: the context still says whose.
      }
      return path(parser.getParsingContext());
    } catch (IOException unreadable) {
      return "";
    }
  }

  /** A field's path as the error messages write it: {@code args.list[1].y}. */
  private static String path(JsonStreamContext context) {
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
      if (at.inArray()) {
        parts.add("[" + Math.max(0, at.getCurrentIndex()) + "]");
      } else if (at.getCurrentName() != null) {
        parts.add(
            (at.getParent() != null && at.getParent().inRoot() ? "" : ".") + at.getCurrentName());
      }
    }
    StringBuilder path = new StringBuilder();
    for (int i = parts.size() - 1; i >= 0; i--) {
      path.append(parts.get(i));
    }
    return path.toString();
  }

  private static String where(String path) {
    return path.isEmpty() ? "" : " (in " + path + ")";
  }

  private static ApiError notAnObject() {
    return ApiError.badRequest("invalid_json", "the body must be a JSON object");
  }
}
