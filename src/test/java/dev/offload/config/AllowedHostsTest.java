package dev.offload.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AllowedHostsTest {

  private final AllowedHosts allowed =
      AllowedHosts.of(List.of("api.example.com", "127.0.0.1:8089", "[::1]:9000"));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://api.example.com/hooks",
        "http://api.example.com/x?y=1",
        "https://API.example.com",
        "https://api.example.com:443/",
        "http://127.0.0.1:8089/callback",
        "http://[::1]:9000/"
      })
  void allowed_urls_pass(String url) {
    assertEquals(url, allowed.check(url).toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://evil.example.com/",
        "https://api.example.com:8443/",
        "http://127.0.0.1/",
        "http://127.0.0.1:8090/",
        "https://api.example.com.evil.org/",
        "ftp://api.example.com/",
        "https://user:pw@api.example.com/",
        "/relative/path",
        "not a url",
        "http:///nohost"
      })
  void everything_else_is_refused_with_a_reason(String url) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> allowed.check(url));
    assertTrue(e.getMessage().length() > 10, e.getMessage());
  }

  @Test
  void the_default_empty_list_allows_nothing() {
    assertThrows(
        IllegalArgumentException.class,
        () -> AllowedHosts.of(List.of()).check("https://example.com/"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"https://example.com", "example.com/path", "exa mple.com", "host:port", ""})
  void entries_must_be_host_or_host_and_port(String entry) {
    assertThrows(IllegalArgumentException.class, () -> AllowedHosts.of(List.of(entry)));
  }
}
