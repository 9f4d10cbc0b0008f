package dev.offload.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an object over the event bus inside one JVM without copying it. Offload's attempts never
 * leave the JVM (nodes coordinate through PostgreSQL), so there is no wire format.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

  private final String name;

  public LocalCodec(Class<T> type) {
    this.name = "local:" + type.getName();
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new UnsupportedOperationException(name + " is for local delivery only");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(name + " is for local delivery only");
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
