package dev.offload.users;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Properties of the CSV that the export writes and the import reads, over many random files
 * (seeded, so a failure names the seed that reproduces it): every value comes back unchanged
 * however the bytes are cut into chunks, and every record names the line it starts on.
 */
class CsvRoundTripTest {

  private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

  /** Mostly the characters that matter to CSV and to spreadsheets. */
  private static final String HOSTILE = "=+-@'\t\r\n,\" xé日";

  @Test
  void values_survive_writing_and_reading_however_the_bytes_are_chunked() {
    for (long seed = 1; seed <= 1_000; seed++) {
      Random random = new Random(seed);
      List<List<String>> file = new ArrayList<>();
      file.add(List.of("email", "name"));
      for (int row = random.nextInt(12); row > 0; row--) {
        // 2 to 4 fields: a row of one blank field would be a blank line, which is skipped.
        List<String> values = new ArrayList<>();
        for (int field = 2 + random.nextInt(3); field > 0; field--) {
          values.add(value(random));
        }
        file.add(values);
      }
      String separator = random.nextBoolean() ? "\r\n" : "\n";
      List<String> lines = file.stream().map(CsvRoundTripTest::csvLine).toList();
      String csv = String.join(separator, lines) + (random.nextBoolean() ? separator : "");
      int chunkSize = 1 + random.nextInt(40);

      List<CsvRecord> records =
          CsvTesting.read(
              new CsvRecordReader(),
              CsvTesting.chunks(csv.getBytes(StandardCharsets.UTF_8), chunkSize));

      String context = "seed " + seed + ", chunks of " + chunkSize + ":\n" + csv;
      assertEquals(
          file,
          records.stream()
              .map(record -> record.fields().stream().map(UserCsv::value).toList())
              .toList(),
          context);
      List<Long> starts = new ArrayList<>();
      long line = 1;
      for (String text : lines) {
        starts.add(line);
        line += LINE_BREAK.matcher(text).results().count() + 1;
      }
      assertEquals(starts, records.stream().map(CsvRecord::line).toList(), context);
    }
  }

  /**
   * Up to 10 characters, four times in five from {@link #HOSTILE}, else any Unicode scalar value
   * (no lone surrogates: UTF-8 cannot carry them, and stored text never holds them).
   */
  private static String value(Random random) {
    StringBuilder value = new StringBuilder();
    for (int length = random.nextInt(11); length > 0; length--) {
      if (random.nextInt(5) > 0) {
        value.append(HOSTILE.charAt(random.nextInt(HOSTILE.length())));
      } else {
        int codePoint;
        do {
          codePoint = random.nextInt(Character.MAX_CODE_POINT + 1);
        } while (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE);
        value.appendCodePoint(codePoint);
      }
    }
    return value.toString();
  }

  private static String csvLine(List<String> values) {
    return values.stream().map(UserCsv::cell).collect(Collectors.joining(","));
  }
}
