package dev.offload.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hosts that tasks may call (the {@code http} kind, callbacks): {@code host} allows that host
 * on the scheme's default port, {@code host:port} on that port only. Empty by default: no outbound
 * call at all until an operator allows one.
 *
 * <p>Which addresses those hosts may resolve to is a second question: a public address always; a
 * private, loopback, link-local or otherwise non-public one only if an entry names it, as an IP
 * address ({@code 127.0.0.1:8080}, {@code [::1]}) or as a range ({@code 10.0.0.0/8}, {@code
 * fd00::/8}) ({@link #permits}). A range allows no URL by itself.
 */
public final class AllowedHosts {

  private static final Pattern HOST =
      Pattern.compile(
          "(?:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*"
              + "|\\[[0-9a-f:.]+\\])(?::\\d{1,5})?");
  private static final Pattern RANGE = Pattern.compile("([0-9a-f:.]+)/(\\d{1,3})");

  private final Set<String> hosts;

  /** The IP entries and the ranges: the non-public addresses that allowed hosts may resolve to. */
  private final List<AddressRange> addresses;

  private AllowedHosts(Set<String> hosts, List<AddressRange> addresses) {
    this.hosts = hosts;
    this.addresses = addresses;
  }

  /**
   * @throws IllegalArgumentException naming the first entry that is not {@code host}, {@code
   *     host:port} or an address range
   */
  public static AllowedHosts of(List<String> entries) {
    Set<String> hosts = new HashSet<>();
    List<AddressRange> addresses = new ArrayList<>();
    for (String given : entries) {
      String entry = given.toLowerCase(Locale.ROOT);
      Matcher range = RANGE.matcher(entry);
      if (range.matches()) {
        try {
          addresses.add(AddressRange.of(range.group(1), Integer.parseInt(range.group(2))));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "'" + given + "' is not an address range such as 10.0.0.0/8 or fd00::/8");
        }
      } else if (HOST.matcher(entry).matches()) {
        hosts.add(entry);
        AddressRange.ofLiteral(withoutPort(entry)).ifPresent(addresses::add);
      } else {
        throw new IllegalArgumentException(
            "'" + given + "' is not host, host:port or an address range such as 10.0.0.0/8");
      }
    }
    return new AllowedHosts(Set.copyOf(hosts), List.copyOf(addresses));
  }

  /**
   * The URL parsed if it is an absolute http(s) URL to an allowed host, without credentials.
   *
   * @throws IllegalArgumentException saying what is wrong, fit for a client
   */
  public URI check(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalArgumentException("'" + url + "' is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new IllegalArgumentException("'" + url + "' is not an absolute http or https URL");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "URLs with credentials are not allowed; send them as a header");
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort = port == -1 || port == (scheme.equals("https") ? 443 : 80);
    if (!(defaultPort && hosts.contains(host))
        && !hosts.contains(
            host + ":" + (port == -1 ? (scheme.equals("https") ? 443 : 80) : port))) {
      throw new IllegalArgumentException(
          "host "
              + host
              + (port == -1 ? "" : ":" + port)
              + " is not on the outbound allow-list (outbound.allowed_hosts)");
    }
    return uri;
  }

  /**
   * Whether an entry names this address, as an IP address or a range containing it: what lets an
   * allowed host resolve to a non-public address.
   */
  public boolean permits(InetAddress address) {
    return addresses.stream().anyMatch(range -> range.contains(address));
  }

  private static String withoutPort(String entry) {
    if (entry.startsWith("[")) {
      return entry.substring(1, entry.indexOf(']'));
    }
    int colon = entry.indexOf(':');
    return colon < 0 ? entry : entry.substring(0, colon);
  }
}
