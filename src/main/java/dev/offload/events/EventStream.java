package dev.offload.events;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * One open text/event-stream response. Bounded: a write that finds the response's write queue full
 * (the client reads more slowly than events come) closes the connection instead of buffering; the
 * client reconnects with its {@code Last-Event-ID}. Used on its HTTP verticle's event loop only.
 */
abstract class EventStream {

  /** Bytes a stream's write queue may hold before its client counts as too slow. */
  static final int WRITE_QUEUE_BYTES = 256 * 1024;

  final HttpServerResponse response;
  private boolean opened;
  private boolean closed;
  private Runnable onClosed = () -> {};

  EventStream(HttpServerResponse response) {
    this.response = response;
  }

  /** Its headers are written: from now on it takes events. */
  void opened() {
    opened = true;
  }

  /**
   * Writes {@code frame}, or drops the client if it has fallen behind; false once closed, and
   * before the stream is opened.
   */
  boolean write(Buffer frame) {
    if (closed || !opened) {
      return false;
    }
    if (response.writeQueueFull()) {
      close(true);
      return false;
    }
    response.write(frame);
    return true;
  }

  boolean isClosed() {
    return closed;
  }

  /** What to do once the stream is closed, by either side. */
  void onClosed(Runnable action) {
    onClosed = action;
  }

  /** Ends the stream; {@code dropped}: the client fell behind, so its connection is closed. */
  void close(boolean dropped) {
    if (closed) {
      return;
    }
    closed = true;
    onClosed.run();
    if (!opened) {
      return;
    }
    if (dropped) {
      response.reset();
    } else if (!response.ended()) {
      response.end();
    }
  }

  /** Marks the stream closed when its connection went away, without writing anything more. */
  void closedByClient() {
    if (!closed) {
      closed = true;
      onClosed.run();
    }
  }
}
