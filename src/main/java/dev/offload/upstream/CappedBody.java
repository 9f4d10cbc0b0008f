package dev.offload.upstream;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;

/**
 * Buffers a response body like {@link BodyCodec#buffer()}, but only up to {@code maxBytes}: a
 * longer body fails the request with {@link TooLarge} as soon as it crosses the limit, instead of
 * filling the heap.
 */
final class CappedBody implements BodyCodec<Buffer> {

  static final class TooLarge extends VertxException {
    private static final long serialVersionUID = 1L;

    TooLarge(int maxBytes) {
      super("response body over " + maxBytes + " bytes", true);
    }
  }

  private final int maxBytes;

  CappedBody(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public BodyStream<Buffer> stream() {
    return new Stream();
  }

  private final class Stream implements BodyStream<Buffer> {

    private final Buffer body = Buffer.buffer();
    private final Promise<Buffer> result = Promise.promise();

    @Override
    public Future<Void> write(Buffer data) {
      if (result.future().failed()) {
        return Future.failedFuture(result.future().cause());
      }
      if (body.length() + data.length() > maxBytes) {
        TooLarge tooLarge = new TooLarge(maxBytes);
        result.fail(tooLarge);
        return Future.failedFuture(tooLarge);
      }
      body.appendBuffer(data);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
      // Failed already (too large, or the response broke off): the pipe reports that failure, not
      // this one.
      return result.tryComplete(body)
          ? Future.succeededFuture()
          : Future.failedFuture("body not complete");
    }

    @Override
    public void handle(Throwable failure) {
      result.tryFail(failure);
    }

    @Override
    public Future<Buffer> result() {
      return result.future();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      return this;
    }
  }
}
