package dev.offload.users;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads CSV records (RFC 4180) from bytes pushed a chunk at a time, as the import gets its stored
 * file: {@link #feed} a chunk, take records with {@link #next} until it answers null, feed the next
 * chunk, and call {@link #end} after the last. It holds one chunk and one record, so memory stays
 * flat for any size of file, and a record may span any number of chunks.
 *
 * <p>The rules: fields are separated by commas, records by CRLF, LF or a lone CR. A field that
 * starts with a double quote ends at the next lone double quote and may hold commas, line breaks
 * and doubled quotes ({@code ""} for {@code "}). A quote inside an unquoted field is text ({@code
 * 5'11"}); text between a closing quote and the next comma or line break makes the record an error,
 * since it is almost always a quote that should have been doubled. A UTF-8 byte order mark at the
 * start is skipped. Records whose only field is blank (empty lines) are skipped.
 *
 * <p>It works on bytes, not characters: the bytes that structure CSV (comma, quote, CR, LF) are
 * ASCII, and no byte of a multi-byte UTF-8 character is, so records split correctly before any
 * decoding, and a character cut in two by a chunk boundary is never seen half. Each field is then
 * decoded as strict UTF-8: bytes that are not UTF-8 make their record an error naming the field,
 * never a U+FFFD in the data.
 *
 * <p>Each record carries the number of the line it starts on, counting the line breaks inside
 * quoted fields, as an editor numbers the lines. A record over {@value #MAX_RECORD_BYTES} bytes is
 * an error and ends at the next line break, quoted or not: otherwise a quote that is never closed
 * would make the rest of the file one record.
 */
final class CsvRecordReader {

  static final int MAX_RECORD_BYTES = 64 * 1024;
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private enum State {
    FIELD_START,
    UNQUOTED,
    QUOTED,
    /** A quote inside a quoted field: it closes the field, or doubled stands for a quote. */
    QUOTE_IN_QUOTED
  }

  /** Strict: {@code newDecoder()} reports malformed input, where {@code new String} replaces it. */
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();

  private byte[] input = new byte[0];
  private int position;
  private boolean ended;
  private boolean finished;
  private int bomMatched;
  private boolean bomChecked;

  private State state = State.FIELD_START;
  private byte[] bytes = new byte[256];
  private int length;
  private int[] fieldEnds = new int[16];
  private int fieldCount;
  private int recordBytes;
  private String malformed;

  /** The line of the byte being read. */
  private long line = 1;

  private long recordLine = 1;
  private long quoteLine;
  private boolean previousWasCr;
  private boolean atLineStart = true;
  private boolean recordEnded;

  /** The next chunk; call only once {@link #next} has answered null. */
  void feed(Buffer chunk) {
    input = chunk.getBytes();
    position = 0;
  }

  /** No chunk follows: {@link #next} gives the last record even without a final line break. */
  void end() {
    ended = true;
  }

  /** The next record, or null when the chunks fed so far hold no further complete record. */
  CsvRecord next() {
    while (position < input.length) {
      CsvRecord record = readSkippingBom(input[position++]);
      if (record != null) {
        return record;
      }
    }
    if (!ended || finished) {
      return null;
    }
    finished = true;
    if (!bomChecked) {
      replayPartialBom();
    }
    if (recordBytes == 0 && state != State.QUOTED) {
      return null;
    }
    if (state == State.QUOTED) {
      CsvRecord unclosed =
          CsvRecord.unreadable(
              recordLine,
              "a quoted field opened on line "
                  + quoteLine
                  + " is not closed by the end of the file");
      reset();
      return unclosed;
    }
    return endRecord();
  }

  /** How many lines the input has had: a last line without a line break counts. */
  long lines() {
    return atLineStart ? line - 1 : line;
  }

  private CsvRecord readSkippingBom(byte b) {
    if (!bomChecked) {
      if (b == BOM[bomMatched]) {
        bomChecked = ++bomMatched == BOM.length;
        return null;
      }
      replayPartialBom();
    }
    return read(b);
  }

  /** The input began like a BOM but is not one (or ended): those bytes are data after all. */
  private void replayPartialBom() {
    bomChecked = true;
    for (int i = 0; i < bomMatched; i++) {
      read(BOM[i]); // not a comma, quote or line break: ends no record
    }
  }

  private CsvRecord read(byte b) {
    CsvRecord record = null;
    boolean lineBreak = b == '\r' || b == '\n';
    // The LF of a CRLF whose CR ended a record (a CR inside quotes leaves the state QUOTED).
    boolean crlfTail = b == '\n' && previousWasCr && state != State.QUOTED;
    if (!crlfTail) {
      recordBytes++;
      switch (state) {
        case FIELD_START -> {
          if (b == '"') {
            state = State.QUOTED;
            quoteLine = line;
          } else if (b == ',') {
            endField();
          } else if (lineBreak) {
            record = endRecord();
          } else {
            append(b);
            state = State.UNQUOTED;
          }
        }
        case UNQUOTED -> {
          if (b == ',') {
            endField();
            state = State.FIELD_START;
          } else if (lineBreak) {
            record = endRecord();
          } else {
            append(b);
          }
        }
        case QUOTED -> {
          if (b == '"') {
            state = State.QUOTE_IN_QUOTED;
          } else if (lineBreak && recordBytes > MAX_RECORD_BYTES) {
            record = endRecord();
          } else {
            append(b);
          }
        }
        case QUOTE_IN_QUOTED -> {
          if (b == '"') {
            append(b);
            state = State.QUOTED;
          } else if (b == ',') {
            endField();
            state = State.FIELD_START;
          } else if (lineBreak) {
            record = endRecord();
          } else {
            malformed(
                "text after the closing quote of field "
                    + (fieldCount + 1)
                    + " (a quote inside a quoted field must be doubled: \"\")");
            append(b);
            state = State.UNQUOTED;
          }
        }
      }
    }
    if (b == '\r' || (b == '\n' && !previousWasCr)) {
      line++;
    }
    previousWasCr = b == '\r';
    atLineStart = lineBreak;
    if (recordEnded) {
      recordEnded = false;
      recordLine = line;
    }
    return record;
  }

  private void append(byte b) {
    if (recordBytes > MAX_RECORD_BYTES) {
      return; // the record is an error: its bytes are no longer kept
    }
    if (length == bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.min(bytes.length * 2, MAX_RECORD_BYTES));
    }
    bytes[length++] = b;
  }

  private void endField() {
    if (recordBytes > MAX_RECORD_BYTES) {
      return;
    }
    if (fieldCount == fieldEnds.length) {
      fieldEnds = Arrays.copyOf(fieldEnds, fieldEnds.length * 2);
    }
    fieldEnds[fieldCount++] = length;
  }

  private void malformed(String reason) {
    if (malformed == null) {
      malformed = reason;
    }
  }

  /** The record just ended, or null if it is blank; the next starts after this line break. */
  private CsvRecord endRecord() {
    endField();
    CsvRecord record = build();
    reset();
    recordEnded = true;
    return record;
  }

  private CsvRecord build() {
    if (recordBytes > MAX_RECORD_BYTES) {
      return CsvRecord.unreadable(
          recordLine,
          "the record is longer than "
              + MAX_RECORD_BYTES
              + " bytes (is a quote not closed?); it was skipped up to line "
              + line);
    }
    if (malformed != null) {
      return CsvRecord.unreadable(recordLine, malformed);
    }
    List<String> fields = new ArrayList<>(fieldCount);
    int start = 0;
    for (int i = 0; i < fieldCount; i++) {
      if (isAscii(start, fieldEnds[i])) { // most fields: no decoder needed
        fields.add(new String(bytes, start, fieldEnds[i] - start, StandardCharsets.US_ASCII));
        start = fieldEnds[i];
        continue;
      }
      ByteBuffer field = ByteBuffer.wrap(bytes, start, fieldEnds[i] - start);
      try {
        fields.add(utf8.decode(field).toString());
      } catch (CharacterCodingException e) {
        // The decoder leaves the buffer's position on the first byte it could not decode.
        return CsvRecord.unreadable(
            recordLine,
            "field "
                + (i + 1)
                + " is not valid UTF-8 (byte 0x"
                + HexFormat.of().withUpperCase().toHexDigits(field.get(field.position()))
                + "): save the file as UTF-8");
      }
      start = fieldEnds[i];
    }
    return fields.size() == 1 && fields.get(0).isBlank() ? null : CsvRecord.of(recordLine, fields);
  }

  private boolean isAscii(int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  private void reset() {
    state = State.FIELD_START;
    length = 0;
    fieldCount = 0;
    recordBytes = 0;
    malformed = null;
  }
}
