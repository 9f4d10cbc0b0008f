package dev.offload.users;

import java.util.Collections;
import java.util.List;

/**
 * One CSV record read by {@link CsvRecordReader}: its fields, or why it cannot be read ({@code
 * error}, then no fields). {@code line} is the line the record starts on.
 */
record CsvRecord(long line, List<String> fields, String error) {

  /** {@code fields} is the record's from now on: the caller keeps no reference to it. */
  static CsvRecord of(long line, List<String> fields) {
    return new CsvRecord(line, Collections.unmodifiableList(fields), null);
  }

  static CsvRecord unreadable(long line, String error) {
    return new CsvRecord(line, List.of(), error);
  }
}
