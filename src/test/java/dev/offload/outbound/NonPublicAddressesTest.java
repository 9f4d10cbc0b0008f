package dev.offload.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NonPublicAddressesTest {

  /** An IP literal as an address, without any lookup. */
  private static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal);
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "0.0.0.0, unspecified",
    "10.1.2.3, private",
    "100.64.0.1, shared (carrier-grade NAT)",
    "127.0.0.1, loopback",
    "127.255.0.9, loopback",
    "169.254.169.254, link-local",
    "172.16.0.1, private",
    "172.31.255.255, private",
    "192.168.1.1, private",
    "224.0.0.1, multicast",
    "255.255.255.255, reserved",
    "::, 'unspecified, loopback or IPv4-compatible'",
    "::1, 'unspecified, loopback or IPv4-compatible'",
    "::7f00:1, 'unspecified, loopback or IPv4-compatible'",
    "fc00::1, unique local",
    "fd12:3456::1, unique local",
    "fe80::1, link-local",
    "ff02::1, multicast",
    "2001:db8::1, documentation",
    // IPv4-mapped (the JDK makes it an IPv4 address), NAT64 and 6to4 forms of private addresses.
    "::ffff:127.0.0.1, loopback",
    "::ffff:a9fe:a9fe, link-local",
    "64:ff9b::a9fe:a9fe, link-local",
    "64:ff9b::10.0.0.1, private",
    "2002:7f00:1::1, loopback",
    "2002:c0a8:101::1, private"
  })
  void non_public_addresses_are_named_by_kind(String literal, String kind) throws Exception {
    assertEquals(Optional.of(kind), NonPublicAddresses.kind(ip(literal)));
  }

  @Test
  void an_ipv4_mapped_address_kept_as_ipv6_is_judged_by_its_ipv4_address() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
    InetAddress address = Inet6Address.getByAddress(null, mapped, -1);

    assertEquals(Optional.of("loopback"), NonPublicAddresses.kind(address));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "8.8.8.8",
        "1.1.1.1",
        "172.32.0.1",
        "100.128.0.1",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::8.8.8.8",
        "2002:808:808::1"
      })
  void public_addresses_have_no_kind(String literal) throws Exception {
    assertEquals(Optional.empty(), NonPublicAddresses.kind(ip(literal)));
  }
}
