package dev.offload.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRangeTest {

  @ParameterizedTest(name = "{0}/{1} contains {2}: {3}")
  @CsvSource({
    "10.0.0.0, 8, 10.255.255.255, true",
    "10.0.0.0, 8, 11.0.0.0, false",
    "172.16.0.0, 12, 172.31.0.1, true",
    "172.16.0.0, 12, 172.32.0.1, false",
    "0.0.0.0, 0, 203.0.113.9, true",
    "0.0.0.0, 0, ::1, false",
    "127.0.0.1, 32, 127.0.0.1, true",
    "127.0.0.1, 32, 127.0.0.2, false",
    "fc00::, 7, fdff::1, true",
    // Netty 4.2.12's IpSubnetFilterRule says true for these two (netty/netty#16860).
    "fc00::, 7, fe80::1, false",
    "fd00::, 8, ff02::1, false",
    "fe80::, 10, febf::1, true",
    "fe80::, 10, fec0::1, false",
    "::, 0, 8000::1, true",
    "::1, 128, ::1, true",
    "::1, 128, 127.0.0.1, false"
  })
  void contains_exactly_the_addresses_under_its_prefix(
      String network, int prefix, String address, boolean contained) throws Exception {
    assertEquals(
        contained, AddressRange.of(network, prefix).contains(InetAddress.getByName(address)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "10.0.0", "fd00::/8", ""})
  void only_ip_literals_are_ranges(String text) {
    assertEquals(Optional.empty(), AddressRange.ofLiteral(text));
    assertThrows(IllegalArgumentException.class, () -> AddressRange.of(text, 8));
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 33})
  void an_ipv4_prefix_is_0_to_32(int prefix) {
    assertThrows(IllegalArgumentException.class, () -> AddressRange.of("10.0.0.0", prefix));
  }

  @Test
  void a_literal_is_the_range_of_its_one_address() throws Exception {
    AddressRange one = AddressRange.ofLiteral("::1").orElseThrow();

    assertTrue(one.contains(InetAddress.getByName("::1")));
    assertFalse(one.contains(InetAddress.getByName("::2")));
    assertEquals("0:0:0:0:0:0:0:1/128", one.toString());
  }
}
