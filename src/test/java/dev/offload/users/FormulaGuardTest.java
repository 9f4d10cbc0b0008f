package dev.offload.users;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The neutralising of formula cells, and its undoing, value by value. */
class FormulaGuardTest {

  @Test
  void a_value_that_a_spreadsheet_would_run_gets_a_quote_in_front_that_the_import_removes() {
    exportedAs("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")");
    exportedAs("@SUM(A1:A2)", "'@SUM(A1:A2)");
    exportedAs("+1", "'+1");
    exportedAs("-1", "'-1");
    exportedAs("\t=1", "'\t=1");
    exportedAs("\r=1", "'\r=1");
  }

  @Test
  void a_value_of_quotes_then_a_formula_character_gets_one_more_quote() {
    exportedAs("'=1", "''=1");
    exportedAs("''-x", "'''-x");
  }

  @Test
  void other_values_pass_both_ways_untouched() {
    exportedAs("'Tis", "'Tis");
    exportedAs("O'Brien", "O'Brien");
    exportedAs("a=b", "a=b");
    exportedAs("'", "'");
    exportedAs("''", "''");
    exportedAs("", "");
  }

  @Test
  void a_hand_made_quote_before_a_formula_character_is_read_as_the_spreadsheet_reads_it() {
    assertEquals("=1", FormulaGuard.restore("'=1"));
    assertEquals("'Tis", FormulaGuard.restore("'Tis"));
  }

  private static void exportedAs(String value, String cell) {
    assertEquals(cell, FormulaGuard.neutralise(value), "the export of " + value);
    assertEquals(value, FormulaGuard.restore(cell), "the import of " + cell);
  }
}
