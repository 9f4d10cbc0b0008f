package dev.offload.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
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
      strings = {
        "https://example.com",
        "example.com/path",
        "exa mple.com",
        "host:port",
        "",
        "10.0.0.0/33",
        "fd00::/129",
        "example.com/8",
        "10.0.0/8",
        "10.0.0.0/"
      })
  void entries_must_be_host_or_host_and_port_or_a_range(String entry) {
    assertThrows(IllegalArgumentException.class, () -> AllowedHosts.of(List.of(entry)));
  }

  @Test
  void a_range_allows_no_url_by_itself() {
    AllowedHosts ranges = AllowedHosts.of(List.of("10.0.0.0/8", "127.0.0.0/8"));

    assertThrows(IllegalArgumentException.class, () -> ranges.check("http://10.0.0.1/"));
    assertThrows(IllegalArgumentException.class, () -> ranges.check("http://127.0.0.1:8089/"));
  }

  @Test
  void ip_entries_and_ranges_name_the_non_public_addresses_hosts_may_resolve_to() throws Exception {
    AllowedHosts list =
        AllowedHosts.of(
            List.of("hooks.example.com", "127.0.0.1:8089", "[::1]:9000", "10.0.0.0/8", "FD00::/8"));

    for (String address :
        new String[] {"127.0.0.1", "::1", "10.0.0.1", "10.255.255.255", "fd00::7"}) {
      assertTrue(list.permits(InetAddress.getByName(address)), address);
    }
    for (String address :
        new String[] {"127.0.0.2", "11.0.0.1", "fe80::1", "ff02::1", "192.168.0.1"}) {
      assertFalse(list.permits(InetAddress.getByName(address)), address);
    }
  }

  @Test
  void host_names_are_never_looked_up_to_permit_an_address() throws Exception {
    assertFalse(AllowedHosts.of(List.of("localhost")).permits(InetAddress.getByName("127.0.0.1")));
  }
}
