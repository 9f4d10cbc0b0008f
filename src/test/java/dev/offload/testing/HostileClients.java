package dev.offload.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A process of its own that opens many connections to a server and starts a request on each that it
 * never finishes, then holds them until its standard input closes. Run apart from the test so that
 * the connections count against its file descriptors, not the test's. Prints {@code opened N of M}
 * once it has tried them all.
 *
 * <p>Arguments: port, connections per source address, then the source addresses (127.x.y.z).
 */
public final class HostileClients {

  private static final byte[] UNFINISHED =
      "POST /tasks HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);

  private HostileClients() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    int perSource = Integer.parseInt(args[1]);
    InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
    List<SocketChannel> held = new ArrayList<>();
    int tried = 0;
    for (int a = 2; a < args.length; a++) {
      InetAddress source = InetAddress.getByName(args[a]);
      for (int i = 0; i < perSource; i++, tried++) {
        try {
          SocketChannel channel = SocketChannel.open();
          channel.bind(new InetSocketAddress(source, 0));
          channel.connect(server);
          channel.write(ByteBuffer.wrap(UNFINISHED));
          held.add(channel);
        } catch (IOException refused) {
          // Refused or closed at once: that is the server defending itself.
        }
      }
    }
    System.out.println("opened " + held.size() + " of " + tried);
    System.out.flush();
    // Holds every connection until the test is done with them.
    while (System.in.read() >= 0) {
      // nothing to do but wait
    }
  }
}
