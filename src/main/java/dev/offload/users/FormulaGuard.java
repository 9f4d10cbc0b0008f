package dev.offload.users;

/**
 * Keeps exported cells from running as formulas (CSV injection, as OWASP names it): Excel,
 * LibreOffice and Google Sheets take a cell that begins with {@code =}, {@code +}, {@code -},
 * {@code @}, a tab or a CR for a formula, so a user named {@code =HYPERLINK(...)} would be a live
 * link for whoever opens the export. OWASP's remedy: such a cell gets a {@code '} in front, which
 * spreadsheets read as "this is text".
 *
 * <p>The import takes that {@code '} off again, and the two rules are exact mirrors, so every value
 * survives an export and an import unchanged. {@link #neutralise} puts a {@code '} before a value
 * that is any number of {@code '} (none included) and then one of those characters; {@link
 * #restore} takes the first {@code '} off a cell that is one or more {@code '} and then one of
 * them. Other values pass both ways untouched: a name that begins with {@code '} and then a letter
 * ({@code 'Tis}) stays as it is, a name {@code '=x} is exported as {@code ''=x} and imported as
 * {@code '=x}, and a hand-made {@code '=x} (the spreadsheet way to type {@code =x} as text) imports
 * as {@code =x}.
 */
final class FormulaGuard {

  /** The first characters that make a spreadsheet read a cell as a formula. */
  private static final String TRIGGERS = "=+-@\t\r";

  private FormulaGuard() {}

  static String neutralise(String value) {
    return isQuotesThenTrigger(value, 0) ? "'" + value : value;
  }

  static String restore(String cell) {
    return cell.startsWith("'") && isQuotesThenTrigger(cell, 1) ? cell.substring(1) : cell;
  }

  /** Whether {@code text} from {@code from} on is zero or more {@code '} and then a trigger. */
  private static boolean isQuotesThenTrigger(String text, int from) {
    int i = from;
    while (i < text.length() && text.charAt(i) == '\'') {
      i++;
    }
    return i < text.length() && TRIGGERS.indexOf(text.charAt(i)) >= 0;
  }
}
