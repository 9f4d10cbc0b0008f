package dev.offload.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A client connection that writes whatever bytes a test wants, malformed or slow, and reads what
 * the server answers: for what an HTTP client library will not send. Blocking: test threads only.
 */
public final class RawHttp implements AutoCloseable {

  private static final int READ_TIMEOUT_MS = 20_000;

  private final Socket socket;

  private RawHttp(Socket socket) {
    this.socket = socket;
  }

  public static RawHttp connect(int port) throws IOException {
    return connect(port, "127.0.0.1");
  }

  /** Connects from {@code sourceAddress}: any 127.x.y.z is a client of its own to the server. */
  public static RawHttp connect(int port, String sourceAddress) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(READ_TIMEOUT_MS);
    return new RawHttp(socket);
  }

  public RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.UTF_8));
  }

  public RawHttp send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    return this;
  }

  /**
   * Everything the server sends until it closes the connection (at most the read timeout).
   *
   * @throws SocketTimeoutException if the server keeps the connection open
   */
  public String readUntilClosed() throws IOException {
    return new String(receiveUntilClosed(), StandardCharsets.UTF_8);
  }

  /**
   * Everything the server sends until it closes or resets the connection, as bytes.
   *
   * @throws SocketTimeoutException if the server keeps the connection open
   */
  public byte[] receiveUntilClosed() throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] chunk = new byte[8192];
    try {
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        received.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException stillOpen) {
      throw stillOpen;
    } catch (IOException reset) {
      // A reset ends the stream too: what came before it was read first.
    }
    return received.toByteArray();
  }

  /**
   * Closes the sending side only, as a client does after its last byte: the server reads an end.
   */
  public void finishSending() throws IOException {
    socket.shutdownOutput();
  }

  /** One response's status line and headers, and a body of up to {@code maxBody} bytes read. */
  public String readSome(int maxBytes) throws IOException {
    byte[] chunk = new byte[maxBytes];
    int n = socket.getInputStream().read(chunk);
    return n < 0 ? "" : new String(chunk, 0, n, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
