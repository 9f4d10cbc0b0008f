package dev.offload.fault;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one direction of a PostgreSQL connection into whole protocol messages: a type byte, then a
 * length that counts itself and the body. What a client sends first has no type byte (the startup
 * message, or a request for TLS or GSS encryption, which the server answers with one byte).
 */
final class PgFrames {

  /** One message as it travels, with its type: 0 for a client's untyped message. */
  record Frame(char type, Buffer bytes) {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;

    /** A client's request to encrypt the connection, which the server answers with one byte. */
    boolean asksForEncryption() {
      return type == 0
          && bytes.length() == 8
          && bytes.getInt(4) >= SSL_REQUEST
          && bytes.getInt(4) <= GSS_REQUEST;
    }

    /** The {@code index}th null-terminated string of a typed message's body. */
    String string(int index) {
      int start = 5;
      for (int i = 0; i < index; i++) {
        start = end(start) + 1;
      }
      return bytes.getString(start, end(start));
    }

    private int end(int from) {
      int at = from;
      while (bytes.getByte(at) != 0) {
        at++;
      }
      return at;
    }
  }

  private Buffer pending = Buffer.buffer();
  private int untypedExpected;
  private int singleBytesExpected;

  private PgFrames(int untypedExpected) {
    this.untypedExpected = untypedExpected;
  }

  static PgFrames fromClient() {
    return new PgFrames(1);
  }

  static PgFrames fromServer() {
    return new PgFrames(0);
  }

  /** After an encryption request the client sends another untyped message. */
  void expectUntyped() {
    untypedExpected++;
  }

  /** The server answers an encryption request with a single byte. */
  void expectSingleByte() {
    singleBytesExpected++;
  }

  /** The messages that {@code data} completes, in order. */
  List<Frame> add(Buffer data) {
    pending.appendBuffer(data);
    List<Frame> frames = new ArrayList<>();
    int at = 0;
    while (at < pending.length()) {
      int available = pending.length() - at;
      int size;
      char type;
      if (singleBytesExpected > 0) {
        size = 1;
        type = (char) pending.getByte(at);
      } else if (untypedExpected > 0) {
        if (available < 4) {
          break;
        }
        size = pending.getInt(at);
        type = 0;
      } else {
        if (available < 5) {
          break;
        }
        size = 1 + pending.getInt(at + 1);
        type = (char) pending.getByte(at);
      }
      if (size > available) {
        break;
      }
      if (singleBytesExpected > 0) {
        singleBytesExpected--;
      } else if (untypedExpected > 0) {
        untypedExpected--;
      }
      frames.add(new Frame(type, pending.getBuffer(at, at + size)));
      at += size;
    }
    pending = pending.getBuffer(at, pending.length());
    return frames;
  }

  /** The bytes not yet cut into messages: once the connection is encrypted, they pass unread. */
  Buffer rest() {
    Buffer rest = pending;
    pending = Buffer.buffer();
    return rest;
  }
}
