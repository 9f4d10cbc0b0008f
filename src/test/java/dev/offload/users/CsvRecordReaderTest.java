package dev.offload.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming CSV reader on its own: RFC 4180, line numbers, chunk boundaries, encoding. */
class CsvRecordReaderTest {

  @Test
  void quoted_fields_hold_commas_doubled_quotes_and_line_breaks() {
    List<CsvRecord> records =
        read(
            "email,name\n"
                + "a@x.org,\"Doe, \"\"Jo\"\"\"\n"
                + "b@x.org,\"two\r\nlines\",\"and\nthree\nhere\"\n"
                + "c@x.org,5'11\"\n");

    assertEquals(List.of("email", "name"), records.get(0).fields());
    assertEquals(List.of("a@x.org", "Doe, \"Jo\""), records.get(1).fields());
    assertEquals(List.of("b@x.org", "two\r\nlines", "and\nthree\nhere"), records.get(2).fields());
    assertEquals(List.of("c@x.org", "5'11\""), records.get(3).fields());
    // Each record names the line it starts on, counting the breaks inside quoted fields.
    assertEquals(List.of(1L, 2L, 3L, 7L), records.stream().map(CsvRecord::line).toList());
  }

  @Test
  void crlf_lf_and_lone_cr_end_records_and_blank_lines_are_skipped() {
    CsvRecordReader reader = new CsvRecordReader();
    List<CsvRecord> records = read(reader, bytes("a,1\r\nb,2\rc,3\n\n  \r\n\"\"\nd,4"));

    assertEquals(
        List.of(List.of("a", "1"), List.of("b", "2"), List.of("c", "3"), List.of("d", "4")),
        records.stream().map(CsvRecord::fields).toList());
    assertEquals(List.of(1L, 2L, 3L, 7L), records.stream().map(CsvRecord::line).toList());
    assertEquals(7, reader.lines());
  }

  @Test
  void records_are_the_same_however_the_bytes_are_cut_into_chunks() {
    byte[] csv =
        bytes(
            "\uFEFFemail,name,notes\r\n"
                + "zoë@x.org,\"Zoë \"\"Z\"\", 日本\",\"line one\r\nline two\"\r\n"
                + "\"b@x.org\",\"\",\"\"\"\"\r\n"
                + "c@x.org,\"😀\n\n\"\r\n");
    List<CsvRecord> whole = read(new CsvRecordReader(), List.of(csv));
    assertEquals(4, whole.size());
    assertEquals(List.of("email", "name", "notes"), whole.get(0).fields());
    assertEquals(List.of(1L, 2L, 4L, 5L), whole.stream().map(CsvRecord::line).toList());

    for (int size = 1; size <= 7; size++) {
      assertEquals(whole, read(new CsvRecordReader(), chunks(csv, size)), "chunks of " + size);
    }
    for (int cut = 0; cut <= csv.length; cut++) {
      byte[] head = Arrays.copyOfRange(csv, 0, cut);
      byte[] tail = Arrays.copyOfRange(csv, cut, csv.length);
      assertEquals(whole, read(new CsvRecordReader(), List.of(head, tail)), "cut at " + cut);
    }
  }

  @Test
  void a_utf8_byte_order_mark_is_skipped_only_at_the_start() {
    assertEquals(List.of("email", "name"), read("\uFEFFemail,name\n").get(0).fields());
    assertEquals(
        List.of("x", "\uFEFFy"),
        read("x\n\uFEFFy\n").stream().map(r -> r.fields().get(0)).toList());
    // EF BB BE is not a BOM but U+FEFE: its first two bytes are data after all.
    assertEquals(List.of("\uFEFEa"), read("\uFEFEa").get(0).fields());
    assertEquals(List.of(), read("\uFEFF"));
  }

  @Test
  void bytes_that_are_not_utf8_make_their_record_an_error_naming_the_field() {
    byte[] latin1 = "a@x.org,Jos\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    List<CsvRecord> records =
        read(
            new CsvRecordReader(),
            List.of(
                bytes("email,name\n"), latin1, bytes("b@x.org,\"B\nB\"\n"), bytes("c@x.org,C")));

    assertEquals(List.of(1L, 2L, 3L, 5L), records.stream().map(CsvRecord::line).toList());
    assertNull(records.get(0).error());
    assertEquals(
        "field 2 is not valid UTF-8 (byte 0xE9): save the file as UTF-8", records.get(1).error());
    assertEquals(List.of(), records.get(1).fields());
    assertEquals(List.of("b@x.org", "B\nB"), records.get(2).fields());
    assertEquals(List.of("c@x.org", "C"), records.get(3).fields());
  }

  @Test
  void text_after_a_closing_quote_makes_only_its_record_an_error() {
    List<CsvRecord> records = read("a,\"say \"hi\" there\",b\nc,d\n");

    assertTrue(records.get(0).error().startsWith("text after the closing quote of field 2"));
    assertEquals(List.of("c", "d"), records.get(1).fields());
    assertEquals(2, records.get(1).line());
  }

  @Test
  void a_quote_never_closed_is_reported_on_the_line_of_its_record() {
    List<CsvRecord> records = read("a,b\n\"c,d\ne,f\n");

    assertEquals(2, records.size());
    assertEquals(2, records.get(1).line());
    assertEquals(
        "a quoted field opened on line 2 is not closed by the end of the file",
        records.get(1).error());
  }

  @Test
  void a_record_over_the_limit_is_an_error_that_ends_at_the_next_line_break() {
    String filler = "x".repeat(CsvRecordReader.MAX_RECORD_BYTES / 4) + "\n";
    String csv = "a,b\n\"open," + filler.repeat(5) + "c,d\n";
    CsvRecordReader reader = new CsvRecordReader();
    List<CsvRecord> records = read(reader, chunks(bytes(csv), 1000));

    assertEquals(4, records.size());
    assertEquals(2, records.get(1).line());
    assertTrue(
        records.get(1).error().contains("is longer than 65536 bytes (is a quote not closed?)"),
        records.get(1).error());
    assertTrue(records.get(1).error().endsWith("skipped up to line 5"), records.get(1).error());
    assertEquals(
        List.of("x".repeat(CsvRecordReader.MAX_RECORD_BYTES / 4)), records.get(2).fields());
    assertEquals(6, records.get(2).line());
    assertEquals(List.of("c", "d"), records.get(3).fields());
    assertEquals(7, records.get(3).line());
  }

  private static List<CsvRecord> read(String csv) {
    return CsvTesting.read(new CsvRecordReader(), List.of(bytes(csv)));
  }

  private static List<CsvRecord> read(CsvRecordReader reader, byte[] csv) {
    return CsvTesting.read(reader, List.of(csv));
  }

  private static List<CsvRecord> read(CsvRecordReader reader, List<byte[]> chunks) {
    return CsvTesting.read(reader, chunks);
  }

  private static List<byte[]> chunks(byte[] bytes, int size) {
    return CsvTesting.chunks(bytes, size);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
