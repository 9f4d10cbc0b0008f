package dev.offload.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamPathTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "todos/1|/todos/1",
        "/todos/1|/todos/1",
        "''|/",
        "/|/",
        "todos/|/todos/",
        "comments?postId=1|/comments?postId=1",
        "a/b?x=1&y=a/b?c|/a/b?x=1&y=a/b?c",
        "a%20b|/a%20b",
        "a b|/a%20b",
        "caf%C3%A9|/caf%C3%A9",
        "café|/caf%C3%A9",
        "a+b:c@d|/a+b:c@d",
        "%41%42|/AB",
        "...|/...",
        "a..b|/a..b",
        "users:1|/users:1",
        "@evil.example|/@evil.example",
        "x?next=http://elsewhere.example/|/x?next=http://elsewhere.example/"
      })
  void a_path_is_decoded_once_checked_and_encoded_again(String text, String uri) {
    assertEquals(uri, UpstreamPath.parse(text).uri());
  }

  @ParameterizedTest(name = "<{0}>")
  @ValueSource(
      strings = {
        "..",
        "../secret",
        "a/../../secret",
        "a/./b",
        ".",
        "%2e%2e/secret",
        "%2E%2E",
        ".%2e/x",
        "..%2Fsecret",
        "a%2F..%2F..%2Fsecret",
        "a%2fb",
        "//evil.example/x",
        "a//b",
        "///x",
        "http://evil.example/x",
        "https://evil.example",
        "x/http://evil.example",
        "a\\b",
        "%5c..%5csecret",
        "a#frag",
        "a\r\nHost: evil",
        "a%0d%0aHost:%20evil",
        "a%00b",
        "a\tb",
        "x?y=%0d%0a",
        "%252e%252e/secret",
        "a%",
        "a%zz",
        "a%c3%28",
        "x?y=a b",
        "x?y=\"q\""
      })
  void a_path_that_could_leave_the_upstream_or_be_read_twice_is_refused(String text) {
    assertThrows(IllegalArgumentException.class, () -> UpstreamPath.parse(text));
  }

  @Test
  void a_path_of_2048_characters_is_accepted_and_a_longer_one_refused() {
    assertEquals(1 + 2048, UpstreamPath.parse("a".repeat(2048)).uri().length());
    assertThrows(IllegalArgumentException.class, () -> UpstreamPath.parse("a".repeat(2049)));
  }
}
