package dev.offload.config;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * A range of IP addresses in CIDR notation, such as {@code 10.0.0.0/8} or {@code fc00::/7}. Not
 * Netty's {@code IpSubnetFilterRule}: in Netty 4.2.12 (the Vert.x 5.0.10 BOM's), its IPv6 rule also
 * matches every address whose prefix bits are all ones, so {@code fc00::/7} contained {@code
 * fe80::1} (netty/netty#16860).
 */
public final class AddressRange {

  private final byte[] network;
  private final int prefix;

  private AddressRange(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * @throws IllegalArgumentException if {@code address} is not an IP literal or {@code prefix} does
   *     not fit it
   */
  public static AddressRange of(String address, int prefix) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null || prefix < 0 || prefix > bytes.length * 8) {
      throw new IllegalArgumentException(address + "/" + prefix + " is not an address range");
    }
    return new AddressRange(bytes, prefix);
  }

  /**
   * The range of the one address an IP literal (IPv4, or IPv6 without brackets) names; empty for
   * anything else, such as a host name, which is never looked up.
   */
  public static Optional<AddressRange> ofLiteral(String text) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
    return bytes == null
        ? Optional.empty()
        : Optional.of(new AddressRange(bytes, bytes.length * 8));
  }

  /** Whether {@code address} is in this range; an IPv4 address is never in an IPv6 range. */
  public boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length != network.length) {
      return false;
    }
    int whole = prefix / 8;
    if (!Arrays.equals(bytes, 0, whole, network, 0, whole)) {
      return false;
    }
    int bits = prefix % 8;
    int mask = (0xff << (8 - bits)) & 0xff;
    return bits == 0 || (bytes[whole] & mask) == (network[whole] & mask);
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address of 4 or 16 bytes is always valid", e);
    }
  }
}
