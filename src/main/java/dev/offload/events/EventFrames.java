package dev.offload.events;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** The text/event-stream framing of what a stream writes. */
final class EventFrames {

  /** Written every {@link EventStreams#KEEP_ALIVE_MS}: a comment, which clients ignore. */
  static final Buffer KEEP_ALIVE = Buffer.buffer(": keep-alive\n\n");

  /** First on every stream: how long a client waits before it reconnects. */
  static final Buffer RETRY = Buffer.buffer("retry: 1000\n\n");

  private EventFrames() {}

  static Buffer task(long id, JsonObject task) {
    return Buffer.buffer("id: " + id + "\nevent: task\ndata: " + task.encode() + "\n\n");
  }

  /**
   * Tells a reconnecting client that its replay is cut short (it was away too long, or missed too
   * many): it must read the current state again (a page of the task list) rather than rely on the
   * stream.
   */
  static Buffer reset(String reason) {
    return Buffer.buffer(
        "event: reset\ndata: " + new JsonObject().put("reason", reason).encode() + "\n\n");
  }
}
