package dev.offload.fuzz;

import dev.offload.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Optional;

/**
 * Bytes written on a connection of its own, in the pieces the generator cut them into, then maybe
 * the sending side closed. What the server sends back until it closes the connection must be
 * well-formed HTTP/1.1 responses, each held to {@link Answers}, or nothing at all.
 */
record RawProbe(int port, List<byte[]> pieces, boolean finish) implements Probe {

  @Override
  public Optional<String> exchange() {
    byte[] received;
    try (RawHttp connection = RawHttp.connect(port)) {
      try {
        for (byte[] piece : pieces) {
          connection.send(piece);
        }
        if (finish) {
          connection.finishSending();
        }
      } catch (IOException closedEarly) {
        // The server may close a connection as soon as it sees that it is bad.
      }
      received = connection.receiveUntilClosed();
    } catch (SocketTimeoutException stillOpen) {
      throw new AssertionError("the server neither answered nor closed the connection", stillOpen);
    } catch (IOException e) {
      throw new AssertionError("the connection failed: " + e, e);
    }
    try {
      return RawResponses.check(received, sent());
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage() + "\nreceived: " + FuzzRequest.show(received, received.length), e);
    }
  }

  private byte[] sent() {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    pieces.forEach(all::writeBytes);
    return all.toByteArray();
  }

  /**
   * The bytes sent, pieces apart by {@code |}, printable ASCII as is and the rest as {@code \xNN}.
   */
  @Override
  public String toString() {
    StringBuilder shown =
        new StringBuilder("raw bytes, in ").append(pieces.size()).append(" writes: ");
    for (int i = 0; i < pieces.size(); i++) {
      shown.append(i == 0 ? "" : " | ").append(FuzzRequest.show(pieces.get(i), 1_000));
    }
    return shown.append(finish ? " (then the sending side closed)" : "").toString();
  }
}
