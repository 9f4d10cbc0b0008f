package dev.offload.submit;

import dev.offload.config.DatabaseConfig;
import dev.offload.store.ChannelListener;
import dev.offload.store.RemoteKindRow;
import dev.offload.store.WorkerStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * This node's copy of the kinds remote workers registered (docs/workers.md), for the submission
 * path, which must know them without asking the database each time. Loaded whole (kinds are few)
 * whenever any node announces a change on the kinds channel, after every (re)connection of that
 * LISTEN, and when a submission names a kind it does not know ({@link #load}): a kind registered a
 * moment ago on another node is then found even before its notification arrives. One per node, read
 * from every event loop.
 */
public final class RemoteKinds {

  private final WorkerStore store;
  private volatile Map<String, RemoteKind> byKind = Map.of();
  private long loadsStarted; // guarded by this
  private long newestApplied; // guarded by this
  private ChannelListener listener;

  public RemoteKinds(WorkerStore store) {
    this.store = store;
  }

  /** Listens for changes on the kinds channel, loading the kinds after each (re)subscription. */
  public void listen(Vertx vertx, DatabaseConfig config) {
    listener =
        new ChannelListener(vertx, config, "remote kinds")
            .on(config.kindsChannel(), payload -> load())
            .onSubscribed(this::load);
    listener.start();
  }

  public Future<Void> close() {
    return listener == null ? Future.succeededFuture() : listener.close();
  }

  public Optional<RemoteKind> find(String kind) {
    return Optional.ofNullable(byKind.get(kind));
  }

  /** Sorted by kind. */
  public Collection<RemoteKind> all() {
    return byKind.values();
  }

  /**
   * Reads the kinds again; completes once this node's copy holds them (on the caller's context). A
   * load that finishes after a newer one is dropped.
   */
  public Future<Void> load() {
    long sequence;
    synchronized (this) {
      sequence = ++loadsStarted;
    }
    return store.kinds().map(rows -> apply(sequence, rows)).mapEmpty();
  }

  private synchronized Void apply(long sequence, Collection<RemoteKindRow> rows) {
    if (sequence > newestApplied) {
      newestApplied = sequence;
      Map<String, RemoteKind> loaded = new TreeMap<>();
      for (RemoteKindRow row : rows) {
        RemoteKind known = byKind.get(row.kind());
        // A kind whose schema did not change keeps its validator: building one costs.
        loaded.put(
            row.kind(),
            known != null && Objects.equals(known.argsSchema(), row.argsSchema())
                ? known
                : new RemoteKind(row.kind(), row.argsSchema()));
      }
      byKind = Collections.unmodifiableMap(loaded);
    }
    return null;
  }
}
