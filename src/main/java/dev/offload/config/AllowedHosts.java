package dev.offload.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The hosts that tasks may call (the {@code http} kind, callbacks): {@code host} allows that host
 * on the scheme's default port, {@code host:port} on that port only. Empty by default: no outbound
 * call at all until an operator allows one.
 */
public final class AllowedHosts {

  private static final Pattern ENTRY =
      Pattern.compile(
          "(?:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*"
              + "|\\[[0-9a-f:.]+\\])(?::\\d{1,5})?");

  private final Set<String> entries;

  private AllowedHosts(Set<String> entries) {
    this.entries = entries;
  }

  /**
   * @throws IllegalArgumentException naming the first entry that is not {@code host} or {@code
   *     host:port}
   */
  public static AllowedHosts of(List<String> hosts) {
    for (String host : hosts) {
      if (!ENTRY.matcher(host.toLowerCase(Locale.ROOT)).matches()) {
        throw new IllegalArgumentException("'" + host + "' is not host or host:port");
      }
    }
    return new AllowedHosts(
        hosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()));
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
    if (!(defaultPort && entries.contains(host))
        && !entries.contains(
            host + ":" + (port == -1 ? (scheme.equals("https") ? 443 : 80) : port))) {
      throw new IllegalArgumentException(
          "host "
              + host
              + (port == -1 ? "" : ":" + port)
              + " is not on the outbound allow-list (outbound.allowed_hosts)");
    }
    return uri;
  }
}
