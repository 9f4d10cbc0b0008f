package dev.offload.fault;

import dev.offload.fault.PgFrames.Frame;
import dev.offload.testing.PgTestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The link between one node process and PostgreSQL: a TCP proxy on a port of its own, which the
 * node reaches its database through ({@link #url()}). A test cuts it (every connection closed, new
 * ones refused) and restores it, or breaks it at a chosen statement ({@link #breakAt}): it reads
 * enough of PostgreSQL's protocol to know which statement the node runs on each connection (Parse
 * names a statement's text, Bind and Query run one). Blocking methods: call them from the test
 * thread.
 */
final class PgLink {

  /** Where {@link #breakAt} breaks the link. */
  enum Break {
    /**
     * Half of the message that runs the statement reaches PostgreSQL, then nothing more: it runs
     * nothing, and the node waits for an answer.
     */
    MID_REQUEST,
    /**
     * PostgreSQL runs the statement and commits it, and its answer, which carried rows, never
     * reaches the node. An answer without rows passes: the link waits for the next.
     */
    REPLY_LOST
  }

  private record Armed(String statement, Break how, Promise<Void> broken) {}

  private static final URI DATABASE =
      URI.create(PgTestDatabase.URL.replaceFirst("^postgres(ql)?", "http"));

  private final Vertx vertx;
  private final int port;
  private final NetClient client;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private NetServer server;
  private Armed armed;

  /** Once broken, nothing passes either way until {@link #restore()}. */
  private volatile boolean broken;

  private volatile boolean refusing;

  private PgLink(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
    this.client = vertx.createNetClient();
  }

  /** A link that carries connections at once. */
  static PgLink up(Vertx vertx) throws IOException {
    PgLink link = down(vertx);
    link.restore();
    return link;
  }

  /** A link that refuses connections until {@link #restore()}. */
  static PgLink down(Vertx vertx) throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      return new PgLink(vertx, free.getLocalPort());
    }
  }

  /** The test database's URL, through this link. */
  String url() {
    return PgTestDatabase.URL.replace(
        DATABASE.getHost() + ":" + DATABASE.getPort(), "127.0.0.1:" + port);
  }

  /**
   * Breaks the link at the next run of {@code statement} (its exact text) on any connection; the
   * future completes once it did. Then nothing passes until the test {@link #cut cuts} and {@link
   * #restore restores} it, or kills the node.
   */
  synchronized Future<Void> breakAt(String statement, Break how) {
    armed = new Armed(statement, how, Promise.promise());
    return armed.broken().future();
  }

  /** Closes every connection and refuses new ones, as a network cut or a database restart does. */
  void cut() {
    refuse();
    NetServer listening;
    synchronized (this) {
      listening = server;
      server = null;
    }
    if (listening != null) {
      listening.close().await(); // which closes the connections it accepted, too
    }
    connections.forEach(Connection::close);
  }

  /**
   * Closes new connections at once, as a database shutting down does; those open stay open. Closing
   * the server would close them too.
   */
  void refuse() {
    refusing = true;
  }

  /** Carries connections again, and lets everything pass. */
  void restore() {
    refusing = false;
    broken = false;
    synchronized (this) {
      if (server != null) {
        return;
      }
    }
    NetServer restored = vertx.createNetServer().connectHandler(this::accept);
    restored.listen(port, "127.0.0.1").await();
    synchronized (this) {
      server = restored;
    }
  }

  /**
   * The ports of this link's connections to PostgreSQL: the {@code client_port} of their backends
   * in {@code pg_stat_activity}.
   */
  List<Integer> backendPorts() {
    List<Integer> ports = new ArrayList<>();
    for (Connection connection : connections) {
      NetSocket postgres = connection.postgres;
      if (postgres != null) {
        ports.add(postgres.localAddress().port());
      }
    }
    return ports;
  }

  /** Stops carrying connections for good. */
  void close() {
    cut();
    client.close().await();
  }

  private void accept(NetSocket node) {
    if (refusing) {
      node.close();
      return;
    }
    node.pause();
    Connection connection = new Connection(node);
    connections.add(connection);
    client
        .connect(DATABASE.getPort(), DATABASE.getHost())
        .onSuccess(connection::connected)
        .onFailure(failure -> connection.close());
  }

  /** The armed break, if it is for {@code statement}. */
  private synchronized Armed armedFor(String statement) {
    return armed != null && armed.statement().equals(statement) ? armed : null;
  }

  /** Breaks the link for {@code candidate}, unless another connection broke it first. */
  private boolean breakFor(Armed candidate) {
    synchronized (this) {
      if (armed != candidate) {
        return false;
      }
      armed = null;
      broken = true;
    }
    candidate.broken().complete();
    return true;
  }

  /**
   * One connection from the node to PostgreSQL, read message by message in both directions. Both
   * sockets' handlers run on the event loop that accepted it; the methods are synchronized all the
   * same, as the test thread closes connections.
   */
  private final class Connection {

    private final NetSocket node;

    /** Null until connected; read by the test thread ({@link #backendPorts}). */
    private volatile NetSocket postgres;

    private final PgFrames fromNode = PgFrames.fromClient();
    private final PgFrames fromPostgres = PgFrames.fromServer();

    /** Prepared statements' texts by name, as Parse gave them ("" for the unnamed one). */
    private final Map<String, String> statements = new HashMap<>();

    /** TLS or GSS encryption was agreed: the bytes pass unread. */
    private boolean encrypted;

    /**
     * Syncs and simple queries sent whose ReadyForQuery has not come back; the startup message too,
     * answered by ReadyForQuery once the session is set up.
     */
    private int repliesDue = 1;

    /** A REPLY_LOST break whose statement was sent: its answer is held back until it is whole. */
    private Armed awaiting;

    /** How many ReadyForQuery still come for what was sent before that statement. */
    private int repliesBefore;

    private final List<Frame> held = new ArrayList<>();

    private Connection(NetSocket node) {
      this.node = node;
    }

    private synchronized void connected(NetSocket postgres) {
      this.postgres = postgres;
      node.handler(this::fromNode);
      postgres.handler(this::fromPostgres);
      node.closeHandler(ignored -> close());
      postgres.closeHandler(ignored -> close());
      // A reset is what a cut looks like: nothing to log.
      node.exceptionHandler(ignored -> close());
      postgres.exceptionHandler(ignored -> close());
      node.resume();
    }

    private synchronized void fromNode(Buffer data) {
      if (encrypted) {
        forward(data, postgres, node);
        return;
      }
      for (Frame frame : fromNode.add(data)) {
        switch (frame.type()) {
          case 0 -> {
            if (frame.asksForEncryption()) {
              fromNode.expectUntyped();
              fromPostgres.expectSingleByte();
            }
          }
          case 'P' -> statements.put(frame.string(0), frame.string(1));
          case 'S' -> repliesDue++;
          case 'Q' -> {
            if (breaksAt(frame, frame.string(0))) {
              return;
            }
            repliesDue++;
          }
          case 'B' -> {
            if (breaksAt(frame, statements.get(frame.string(1)))) {
              return;
            }
          }
          default -> {}
        }
        forward(frame.bytes(), postgres, node);
      }
    }

    /**
     * Whether the link breaks as {@code frame}, which runs {@code statement}, is sent: at once for
     * MID_REQUEST, which sends half of it; a REPLY_LOST break only marks its answer to be held.
     */
    private boolean breaksAt(Frame frame, String statement) {
      Armed candidate = armedFor(statement);
      if (candidate == null || broken) {
        return false;
      }
      if (candidate.how() == Break.REPLY_LOST) {
        awaiting = candidate;
        repliesBefore = repliesDue;
        return false;
      }
      Buffer half = frame.bytes().getBuffer(0, frame.bytes().length() / 2);
      forward(half, postgres, node);
      return breakFor(candidate);
    }

    private synchronized void fromPostgres(Buffer data) {
      if (encrypted) {
        forward(data, node, postgres);
        return;
      }
      for (Frame frame : fromPostgres.add(data)) {
        if (frame.bytes().length() == 1) {
          // The answer to an encryption request: 'N' for no, else the bytes that follow are TLS
          // or GSS.
          forward(frame.bytes(), node, postgres);
          if (frame.type() != 'N') {
            encrypted = true;
            forward(fromPostgres.rest(), node, postgres);
            return;
          }
          continue;
        }
        if (awaiting != null && repliesBefore == 0) {
          holdBack(frame);
          continue;
        }
        if (frame.type() == 'Z') {
          repliesDue--;
          if (awaiting != null) {
            repliesBefore--;
          }
        }
        forward(frame.bytes(), node, postgres);
      }
    }

    /**
     * Holds back the awaited answer until its ReadyForQuery, which PostgreSQL sends after the
     * commit; then breaks the link if it carried rows (the answer is lost), else lets it pass.
     */
    private void holdBack(Frame frame) {
      held.add(frame);
      if (frame.type() != 'Z') {
        return;
      }
      repliesDue--;
      Armed candidate = awaiting;
      awaiting = null;
      boolean rows = held.stream().anyMatch(message -> message.type() == 'D');
      if (!(rows && breakFor(candidate))) {
        held.forEach(message -> forward(message.bytes(), node, postgres));
      }
      held.clear();
    }

    /**
     * Writes {@code data} to {@code to} unless the link is broken, pausing {@code from} meanwhile.
     */
    private void forward(Buffer data, NetSocket to, NetSocket from) {
      if (broken || data.length() == 0) {
        return;
      }
      to.write(data);
      if (to.writeQueueFull()) {
        from.pause();
        to.drainHandler(ignored -> from.resume());
      }
    }

    private void close() {
      connections.remove(this);
      node.close();
      NetSocket connectedTo;
      synchronized (this) {
        connectedTo = postgres;
      }
      if (connectedTo != null) {
        connectedTo.close();
      }
    }
  }
}
