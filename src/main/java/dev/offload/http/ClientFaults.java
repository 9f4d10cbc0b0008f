package dev.offload.http;

import io.netty.handler.codec.DecoderException;
import io.vertx.core.http.HttpClosedException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Failures a client causes on purpose or by accident: it went away in the middle of a request, or
 * framed its body so that it cannot be read (a bad chunk size). They are not the server's bugs, so
 * they are logged at debug level, one line and no stack trace: otherwise any client could flood the
 * log, one SEVERE stack trace per request.
 */
final class ClientFaults {

  private static final Logger LOG = System.getLogger(ClientFaults.class.getName());
  private static final String HTTP_CODEC = "io.netty.handler.codec.";

  private ClientFaults() {}

  /** The client closed the connection before its request was over: there is no one to answer. */
  static boolean isGone(Throwable failure) {
    return failure instanceof HttpClosedException;
  }

  /**
   * The body's framing could not be decoded. Netty's HTTP decoder reports some of these as plain
   * {@code NumberFormatException}s or {@code IllegalArgumentException}s, so where it was thrown
   * says more than its type.
   */
  static boolean isMalformed(Throwable failure) {
    if (failure instanceof DecoderException) {
      return true;
    }
    StackTraceElement[] frames = failure.getStackTrace();
    return frames.length > 0 && frames[0].getClassName().startsWith(HTTP_CODEC);
  }

  /** For {@code HttpServer#exceptionHandler}: a connection failed outside any request. */
  static void connectionFailed(Throwable failure) {
    LOG.log(Level.DEBUG, () -> "connection failed: " + failure);
  }

  static void log(String what, Throwable failure) {
    LOG.log(Level.DEBUG, () -> what + ": " + failure);
  }
}
