package dev.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlInSourceTest {

  @Test
  void finds_statements_in_string_literals_text_blocks_and_concatenated_fragments() {
    String source =
        """
        class Store {
          String a = "SELECT id FROM offload_task";
          String b = \"""
              UPDATE offload_task SET state = 'running'
              \""";
          String c = "x" + " AND queue <> ALL($1::text[])";
          String d = "select pg_notify($1, $2)";
        }
        """;
    assertEquals(
        List.of(
            "SELECT id FROM offload_task",
            "\n      UPDATE offload_task SET state = 'running'\n      ",
            " AND queue <> ALL($1::text[])",
            "select pg_notify($1, $2)"),
        SqlInSource.literals(source));
  }

  @Test
  void ignores_statements_named_in_comments() {
    String source =
        """
        /** Runs SELECT 1 (see TaskSql.PING). */
        class Store { // then DELETE FROM offload_task
          /* INSERT INTO offload_task */ String a = "ping";
        }
        """;
    assertEquals(List.of(), SqlInSource.literals(source));
  }

  @Test
  void ignores_prose_and_http_words_that_sql_also_uses() {
    String source =
        """
        class Routes {
          Set<String> methods = Set.of("GET", "DELETE", "UPDATE");
          String message = "select a file, then update the list; listening for notifications";
          String ipv6 = "[::ffff:127.0.0.1]";
        }
        """;
    assertEquals(List.of(), SqlInSource.literals(source));
  }

  @Test
  void keeps_track_of_quotes_through_escapes_and_character_literals() {
    String source =
        """
        class Tricky {
          char quote = '"';
          char escaped = '\\'';
          String quoted = "say \\"hi\\" // not a comment";
          String sql = "DELETE FROM offload_file";
        }
        """;
    assertEquals(
        List.of("say \\\"hi\\\" // not a comment", "DELETE FROM offload_file"),
        SqlInSource.stringLiterals(source).subList(0, 2));
    assertEquals(List.of("DELETE FROM offload_file"), SqlInSource.literals(source));
  }
}
