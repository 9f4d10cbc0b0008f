package dev.offload.outbound;

import dev.offload.config.AddressRange;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The addresses a task must not reach unless the allow-list names them: those that are not on the
 * public internet (IANA's special-purpose registries, RFC 6890 and its updates). An IPv6 address
 * that embeds an IPv4 one (IPv4-mapped, NAT64, 6to4) is judged by the IPv4 address it leads to.
 */
final class NonPublicAddresses {

  /** A special-purpose range, and what to call an address in it. */
  private record Range(AddressRange range, String kind) {}

  private static final List<Range> RANGES =
      List.of(
          range("0.0.0.0", 8, "unspecified"),
          range("10.0.0.0", 8, "private"),
          range("100.64.0.0", 10, "shared (carrier-grade NAT)"),
          range("127.0.0.0", 8, "loopback"),
          // Cloud metadata services (169.254.169.254) live here.
          range("169.254.0.0", 16, "link-local"),
          range("172.16.0.0", 12, "private"),
          range("192.0.0.0", 24, "IETF protocol"),
          range("192.0.2.0", 24, "documentation"),
          range("192.168.0.0", 16, "private"),
          range("198.18.0.0", 15, "benchmarking"),
          range("198.51.100.0", 24, "documentation"),
          range("203.0.113.0", 24, "documentation"),
          range("224.0.0.0", 4, "multicast"),
          range("240.0.0.0", 4, "reserved"),
          // Covers :: (unspecified) and ::1 (loopback) too.
          range("::", 96, "unspecified, loopback or IPv4-compatible"),
          range("64:ff9b:1::", 48, "local NAT64"),
          range("100::", 64, "discard-only"),
          range("2001::", 32, "Teredo"),
          range("2001:db8::", 32, "documentation"),
          range("fc00::", 7, "unique local"),
          range("fe80::", 10, "link-local"),
          range("fec0::", 10, "site-local"),
          range("ff00::", 8, "multicast"));

  private NonPublicAddresses() {}

  /** What kind of non-public address this is, e.g. {@code "loopback"}; empty if it is public. */
  static Optional<String> kind(InetAddress address) {
    InetAddress judged = embeddedIpv4(address).orElse(address);
    return RANGES.stream()
        .filter(range -> range.range().contains(judged))
        .map(Range::kind)
        .findFirst();
  }

  /** The IPv4 address an IPv4-mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96) or 6to4 one leads to. */
  private static Optional<InetAddress> embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return Optional.empty();
    }
    byte[] bytes = address.getAddress();
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};
    byte[] nat64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    if (Arrays.equals(bytes, 0, 12, mapped, 0, 12) || Arrays.equals(bytes, 0, 12, nat64, 0, 12)) {
      return Optional.of(ipv4(Arrays.copyOfRange(bytes, 12, 16)));
    }
    if (bytes[0] == 0x20 && bytes[1] == 0x02) {
      return Optional.of(ipv4(Arrays.copyOfRange(bytes, 2, 6)));
    }
    return Optional.empty();
  }

  private static InetAddress ipv4(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 bytes are always an IPv4 address", e);
    }
  }

  private static Range range(String address, int prefix, String kind) {
    return new Range(AddressRange.of(address, prefix), kind);
  }
}
