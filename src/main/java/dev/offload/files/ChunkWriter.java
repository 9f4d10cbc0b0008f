package dev.offload.files;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.UUID;

/**
 * Writes a file of unknown length chunk by chunk: {@link #write} buffers, and stores a chunk each
 * time about {@link FileStore#CHUNK_BYTES} have gathered; its future tells the caller when to go
 * on, which is the backpressure. {@link #close} stores the rest and marks the file complete.
 */
public final class ChunkWriter {

  private final FileStore files;
  private final UUID fileId;
  private Buffer pending = Buffer.buffer();
  private int nextSeq;
  private long size;

  public ChunkWriter(FileStore files, UUID fileId) {
    this.files = files;
    this.fileId = fileId;
  }

  public Future<Void> write(Buffer data) {
    pending.appendBuffer(data);
    size += data.length();
    return pending.length() >= FileStore.CHUNK_BYTES ? flush() : Future.succeededFuture();
  }

  public Future<Void> close() {
    return (pending.length() > 0 ? flush() : Future.<Void>succeededFuture())
        .compose(ignored -> files.complete(fileId, size));
  }

  public long size() {
    return size;
  }

  private Future<Void> flush() {
    Buffer chunk = pending;
    pending = Buffer.buffer();
    return files.appendChunk(fileId, nextSeq++, chunk);
  }
}
