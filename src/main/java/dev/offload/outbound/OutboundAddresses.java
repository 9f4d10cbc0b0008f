package dev.offload.outbound;

import dev.offload.config.AllowedHosts;
import dev.offload.task.DiscardTaskException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.net.SocketAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * Resolves the host of an outbound call and chooses the address to connect to: the first one that
 * is public or that the allow-list names ({@link AllowedHosts#permits}). The call then connects to
 * that very address, with the URL's host in {@code Host} and for TLS (SNI and certificate checks),
 * so a host name whose DNS answer changes between a check and a connection (DNS rebinding) cannot
 * lead a task to a private address: there is no second lookup.
 */
final class OutboundAddresses {

  /**
   * Lookups block (the JDK resolver reads /etc/hosts and asks DNS); they get threads of their own.
   */
  private static final int RESOLVER_THREADS = 8;

  private final WorkerExecutor resolver;
  private final AllowedHosts allowedHosts;

  OutboundAddresses(Vertx vertx, AllowedHosts allowedHosts) {
    this.resolver = vertx.createSharedWorkerExecutor("offload-outbound-dns", RESOLVER_THREADS);
    this.allowedHosts = allowedHosts;
  }

  /**
   * The address to connect to for {@code uri}; fails with a {@link DiscardTaskException} if none
   * may be reached, or with the lookup's error (an {@code UnknownHostException}, retried).
   */
  Future<SocketAddress> resolve(URI uri) {
    String host = uri.getHost();
    int port =
        uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    return resolver
        .executeBlocking(() -> InetAddress.getAllByName(host), false)
        .compose(
            addresses -> {
              try {
                return Future.succeededFuture(
                    SocketAddress.inetSocketAddress(
                        new InetSocketAddress(choose(host, addresses, allowedHosts), port)));
              } catch (IllegalArgumentException refused) {
                return Future.failedFuture(new DiscardTaskException(refused.getMessage()));
              }
            });
  }

  /**
   * The first address that is public or permitted.
   *
   * @throws IllegalArgumentException naming the first address refused and why
   */
  static InetAddress choose(String host, InetAddress[] addresses, AllowedHosts allowedHosts) {
    for (InetAddress address : addresses) {
      if (NonPublicAddresses.kind(address).isEmpty() || allowedHosts.permits(address)) {
        return address;
      }
    }
    InetAddress first = addresses[0];
    String literal =
        first instanceof Inet6Address ? "[" + first.getHostAddress() + "]" : first.getHostAddress();
    throw new IllegalArgumentException(
        "host "
            + host
            + " resolves to "
            + literal
            + " ("
            + NonPublicAddresses.kind(first).orElseThrow()
            + "), not a public address; outbound.allowed_hosts must name it (as "
            + literal
            + " or in a range such as 10.0.0.0/8) for a task to call it");
  }
}
