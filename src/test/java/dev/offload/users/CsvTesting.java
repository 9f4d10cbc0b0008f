package dev.offload.users;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reading CSV in tests as the import does: chunk by chunk through {@link CsvRecordReader}. */
final class CsvTesting {

  private CsvTesting() {}

  static List<CsvRecord> read(byte[] csv) {
    return read(new CsvRecordReader(), List.of(csv));
  }

  static List<CsvRecord> read(CsvRecordReader reader, List<byte[]> chunks) {
    List<CsvRecord> records = new ArrayList<>();
    for (byte[] chunk : chunks) {
      reader.feed(Buffer.buffer(chunk));
      for (CsvRecord record = reader.next(); record != null; record = reader.next()) {
        records.add(record);
      }
    }
    reader.end();
    for (CsvRecord record = reader.next(); record != null; record = reader.next()) {
      records.add(record);
    }
    return records;
  }

  /** {@code bytes} cut into chunks of {@code size} (the last may be shorter). */
  static List<byte[]> chunks(byte[] bytes, int size) {
    List<byte[]> chunks = new ArrayList<>();
    for (int from = 0; from < bytes.length; from += size) {
      chunks.add(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + size)));
    }
    return chunks;
  }
}
