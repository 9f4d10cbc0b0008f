package dev.offload.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An open-loop run: requests leave on a fixed schedule, {@code rate} per second for {@code seconds}, whether or not
 * earlier ones have been answered, as clients that do not wait for each other would send them. Request i is due at
 * {@code i / rate} s, after a warm-up of {@code warmupSeconds} at the same rate whose requests are sent alike but not
 * counted (the generator's own code is compiled by then, and the server has met the load). The connections are
 * opened first (not measured); each carries one request at a time, and a due
 * request that finds none idle waits in the generator for the next one to come free. Its latency still counts from
 * the time it was due (no coordinated omission): a server that answers late is measured late, even where the
 * generator held the request back.
 *
 * <p>Plain NIO on one thread of its own, writing the same request bytes every time and reading just the status,
 * {@code Retry-After}, {@code Connection} and the body: about 21 µs of CPU per request at 38,600 requests/s, the
 * kernel's TCP work included, where the Vert.x HTTP client took 28 µs. On the one core the generator has, that is
 * the difference between offering three times what the node sustains and falling behind the schedule.
 */
final class OpenLoopRun {

  private static final int READ_BUFFER_BYTES = 16 * 1024;
  private static final long TIMEOUT_SCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};

  private final Vertx vertx;
  private final RequestTemplate template;
  private final byte[] request;
  private final double rate;
  private final double seconds;
  private final double warmupSeconds;
  private final int connections;
  private final OpenLoopTally tally;
  private final long timeoutNanos;
  private final Deque<Connection> idle = new ArrayDeque<>();
  private final List<Connection> all = new ArrayList<>();
  private long[] waiting = new long[1024];
  private int waitingHead;
  private int waitingSize;
  private int maxWaiting;
  private long total;
  private long firstCounted;
  private long startNanos;
  private long endNanos;
  private long scheduled;
  private long ended;
  private long warmupAccepted;
  private int open;

  OpenLoopRun(Vertx vertx, RequestTemplate template, double rate, double warmupSeconds, double seconds,
      int connections, OpenLoopTally tally) {
    this.vertx = vertx;
    this.template = template;
    this.request = template.encoded();
    this.rate = rate;
    this.seconds = seconds;
    this.warmupSeconds = warmupSeconds;
    this.connections = connections;
    this.tally = tally;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(template.timeoutMillis());
  }

  /** Opens the connections, sends the whole schedule, and completes once every request has ended. */
  Future<Void> run() {
    Context context = vertx.getOrCreateContext();
    Promise<Void> finished = Promise.promise();
    Thread thread = new Thread(() -> {
      try {
        load();
        context.runOnContext(done -> finished.complete());
      } catch (IOException | RuntimeException e) {
        context.runOnContext(failed -> finished.fail(e));
      }
    }, "open-loop");
    thread.setDaemon(true);
    thread.start();
    return finished.future();
  }

  /** Answers of the warm-up with the expected status: work the server took on, though not counted. */
  long warmupAccepted() {
    return warmupAccepted;
  }

  /** The most requests that were due but waited in the generator for a connection at once. */
  int maxWaiting() {
    return maxWaiting;
  }

  /** From the first counted request due to the last answer: the schedule's length, unless answers lagged. */
  double elapsedSeconds() {
    return (endNanos - startNanos) / 1e9 - firstCounted / rate;
  }

  private void load() throws IOException {
    try (Selector selector = Selector.open()) {
      connect(selector);
      firstCounted = Math.round(rate * warmupSeconds);
      total = firstCounted + Math.round(rate * seconds);
      startNanos = System.nanoTime();
      long nextScan = startNanos + TIMEOUT_SCAN_NANOS;
      while (ended < total && open > 0) {
        long now = System.nanoTime();
        long due = Math.min(total, (long) ((now - startNanos) / 1e9 * rate));
        while (scheduled < due) {
          enqueue(scheduled);
          scheduled++;
        }
        maxWaiting = Math.max(maxWaiting, waitingSize);
        dispatch();
        if (now >= nextScan) {
          timeOut(now);
          nextScan = now + TIMEOUT_SCAN_NANOS;
        }
        // While the schedule runs, wake at least every millisecond for the requests that fall due.
        selector.select(scheduled < total ? 1 : 10);
        for (SelectionKey key : selector.selectedKeys()) {
          Connection connection = (Connection) key.attachment();
          if (key.isValid() && key.isWritable()) {
            connection.flush();
          }
          if (key.isValid() && key.isReadable()) {
            connection.read();
          }
        }
        selector.selectedKeys().clear();
      }
      if (ended < total) {
        // Every connection broke: what is left can never be sent.
        tally.unsent(total - Math.max(ended, firstCounted));
      }
      endNanos = System.nanoTime();
    } finally {
      for (Connection connection : all) {
        connection.channel.close();
      }
    }
  }

  private void connect(Selector selector) throws IOException {
    InetSocketAddress address = new InetSocketAddress(template.host(), template.port());
    long started = System.nanoTime();
    int failures = 0;
    IOException first = null;
    for (int i = 0; i < connections; i++) {
      try {
        SocketChannel channel = SocketChannel.open(address);
        channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        channel.configureBlocking(false);
        Connection connection = new Connection(channel);
        connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
        all.add(connection);
        idle.add(connection);
      } catch (IOException e) {
        failures++;
        first = first == null ? e : first;
      }
    }
    open = all.size();
    System.err.printf("open loop: %d of %d connections open after %.2f s%n", open, connections,
      (System.nanoTime() - started) / 1e9);
    if (failures > 0) {
      System.err.printf("open loop connect: %d failed, the first with %s%n", failures, first);
      tally.connectFailures(failures);
    }
    if (open == 0) {
      throw new IOException("no connection could be opened", first);
    }
  }

  /** Request {@code index} is due: it waits for an idle connection. */
  private void enqueue(long index) {
    if (waitingSize == waiting.length) {
      long[] grown = new long[waiting.length * 2];
      for (int i = 0; i < waitingSize; i++) {
        grown[i] = waiting[(waitingHead + i) % waiting.length];
      }
      waiting = grown;
      waitingHead = 0;
    }
    waiting[(waitingHead + waitingSize) % waiting.length] = index;
    waitingSize++;
  }

  /** Sends waiting requests while a connection is idle. */
  private void dispatch() {
    while (waitingSize > 0 && !idle.isEmpty()) {
      long index = waiting[waitingHead];
      waitingHead = (waitingHead + 1) % waiting.length;
      waitingSize--;
      idle.pollFirst().send(startNanos + (long) (index * 1e9 / rate), index >= firstCounted);
    }
  }

  /** Ends the requests that have waited longer than the template's timeout, with their connections. */
  private void timeOut(long now) {
    for (Connection connection : all) {
      if (connection.busy && now - connection.sentNanos > timeoutNanos) {
        connection.fail(new TimeoutException("no answer within " + template.timeoutMillis() + " ms"));
      }
    }
  }

  /** One connection, with at most one request in flight. */
  private final class Connection {

    final SocketChannel channel;
    SelectionKey key;
    ByteBuffer in = ByteBuffer.allocate(READ_BUFFER_BYTES);
    ByteBuffer out;
    boolean busy;
    boolean counted;
    boolean closed;
    long dueNanos;
    long sentNanos;

    Connection(SocketChannel channel) {
      this.channel = channel;
    }

    void send(long due, boolean counts) {
      dueNanos = due;
      sentNanos = System.nanoTime();
      busy = true;
      counted = counts;
      if (counted) {
        tally.sent(sentNanos - dueNanos);
      }
      out = ByteBuffer.wrap(request);
      flush();
    }

    void flush() {
      try {
        channel.write(out);
      } catch (IOException e) {
        fail(e);
        return;
      }
      key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    void read() {
      int read;
      try {
        if (!in.hasRemaining()) {
          in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
        }
        read = channel.read(in);
      } catch (IOException e) {
        fail(e);
        return;
      }
      if (read < 0) {
        fail(new IOException("the server closed the connection"));
        return;
      }
      if (busy) {
        parse();
      } else if (in.position() > 0) {
        fail(new IOException("the server sent " + in.position() + " bytes that answer no request"));
      }
    }

    /** Ends the request once its whole response is in. */
    private void parse() {
      byte[] bytes = in.array();
      int filled = in.position();
      int headersEnd = indexOf(bytes, filled, HEADERS_END);
      if (headersEnd < 0) {
        return;
      }
      String head = new String(bytes, 0, headersEnd, StandardCharsets.ISO_8859_1);
      String[] lines = head.split("\r\n");
      int status;
      try {
        status = Integer.parseInt(lines[0].substring(9, 12));
      } catch (RuntimeException e) {
        fail(new IOException("not an HTTP status line: " + lines[0]));
        return;
      }
      int contentLength = -1;
      String retryAfter = null;
      boolean close = false;
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = lines[i].substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> contentLength = Integer.parseInt(value);
          case "retry-after" -> retryAfter = value;
          case "connection" -> close = value.equalsIgnoreCase("close");
          case "transfer-encoding" -> {
            fail(new IOException("a chunked response, which this generator does not read"));
            return;
          }
          default -> { }
        }
      }
      if (contentLength < 0) {
        fail(new IOException("a response without Content-Length"));
        return;
      }
      int bodyStart = headersEnd + HEADERS_END.length;
      if (filled < bodyStart + contentLength) {
        return;
      }
      long now = System.nanoTime();
      Buffer body = Buffer.buffer(Arrays.copyOfRange(bytes, bodyStart, bodyStart + contentLength));
      if (counted) {
        tally.answered(new OpenLoopTally.Answer(status, retryAfter, body), now - dueNanos, now - sentNanos);
      } else if (status == template.expectedStatus()) {
        warmupAccepted++;
      }
      busy = false;
      ended++;
      in.clear();
      if (close) {
        drop();
      } else {
        idle.addLast(this);
      }
    }

    /** Ends the request in flight, if any, as failed, and gives the connection up. */
    void fail(Exception cause) {
      if (busy) {
        busy = false;
        ended++;
        if (counted) {
          tally.failed(cause);
        }
      }
      drop();
    }

    private void drop() {
      if (closed) {
        return;
      }
      closed = true;
      open--;
      idle.remove(this);
      key.cancel();
      try {
        channel.close();
      } catch (IOException ignored) {
        // It is given up either way.
      }
    }
  }

  private static int indexOf(byte[] bytes, int length, byte[] wanted) {
    outer:
    for (int i = 0; i <= length - wanted.length; i++) {
      for (int j = 0; j < wanted.length; j++) {
        if (bytes[i + j] != wanted[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
