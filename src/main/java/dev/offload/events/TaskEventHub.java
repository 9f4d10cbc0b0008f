package dev.offload.events;

import dev.offload.config.DatabaseConfig;
import dev.offload.store.ChannelListener;
import dev.offload.store.TaskChanges;
import dev.offload.store.TaskEventStore;
import dev.offload.support.LocalCodec;
import dev.offload.support.OutageLog;
import dev.offload.task.Task;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's one fan-out of task events, on every node. It LISTENs on the events channel (one
 * connection per node, however many subscribers) and:
 *
 * <ul>
 *   <li>passes the announcements of nodes with subscribers to {@link TaskChanges}, so that this
 *       node sends its changes only while some node watches;
 *   <li>while this node has subscribers, announces it every {@link TaskChanges#WATCH_PERIOD_MS},
 *       reads the tasks whose ids it hears (one read in flight, ids heard meanwhile merged into the
 *       next) and publishes them, each encoded once, to the HTTP verticles ({@link #ADDRESS}),
 *       whose {@link EventStreams} write them to the matching streams.
 * </ul>
 *
 * <p>Where changes may have gone unheard, it asks the streams to repair ({@link #REPAIR_ADDRESS}):
 * a moment after the node began to watch (other nodes may have changed tasks before they heard of
 * it), after its LISTEN connection came back, and when a node reports a gap. Event-loop confined
 * but for {@link #subscribe}/{@link #unsubscribe}, which HTTP verticles call.
 */
public final class TaskEventHub extends VerticleBase {

  /** Local address of {@link TaskEvents}. */
  static final String ADDRESS = "offload.events.tasks";

  /** Local address of repairs: the time (epoch micros) since which changes may be missing. */
  static final String REPAIR_ADDRESS = "offload.events.repair";

  /** How long after this node began to watch the others surely heard of it. */
  private static final long WARM_UP_MS = 1_000;

  /** Most ids read in one statement. */
  private static final int READ_BATCH = 1_000;

  /**
   * Changes heard later than their commit by at most this much: how far back a repair looks, and a
   * reconnecting client's replay (see {@link EventStreams}).
   */
  static final Duration MARGIN = Duration.ofSeconds(10);

  private final DatabaseConfig database;
  private final TaskChanges changes;
  private final TaskEventStore store;
  private final Clock clock;
  private final EventIds ids;
  private final AtomicInteger subscribers = new AtomicInteger();
  private final Set<UUID> toRead = new LinkedHashSet<>();
  private final PublishedStates published = new PublishedStates();
  private final OutageLog readLog = new OutageLog("reading changed tasks for events");
  private ChannelListener listener;
  private boolean reading;
  private Instant lastHeard;

  public TaskEventHub(
      DatabaseConfig database, TaskChanges changes, TaskEventStore store, Clock clock) {
    this.database = database;
    this.changes = changes;
    this.store = store;
    this.clock = clock;
    this.ids = new EventIds(clock);
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().registerDefaultCodec(TaskEvents.class, new LocalCodec<>(TaskEvents.class));
    lastHeard = clock.instant();
    listener =
        new ChannelListener(vertx, database, "task events")
            .on(database.eventChannel(), this::heard)
            .onSubscribed(this::listening);
    listener.start();
    vertx.setPeriodic(TaskChanges.WATCH_PERIOD_MS, id -> announceIfWatched());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return listener
        .close()
        .onComplete(closed -> vertx.eventBus().unregisterDefaultCodec(TaskEvents.class));
  }

  /** A stream opened on this node; thread-safe. */
  void subscribe() {
    // This node's own changes are sent from now on, before the stream reads anything.
    changes.watchedUntil(watchedUntil());
    if (subscribers.getAndIncrement() == 0) {
      context.runOnContext(ignored -> beganWatching());
    }
  }

  /** A stream of this node closed; thread-safe. */
  void unsubscribe() {
    subscribers.decrementAndGet();
  }

  private boolean watching() {
    return subscribers.get() > 0;
  }

  private void beganWatching() {
    Instant since = clock.instant().minus(MARGIN);
    // The other nodes send their changes once they hear this.
    changes.announce();
    vertx.setTimer(WARM_UP_MS, id -> repair(since));
  }

  private void announceIfWatched() {
    if (watching()) {
      changes.announce();
    }
  }

  private void listening() {
    changes.hello();
    if (watching()) {
      changes.announce();
      repair(lastHeard.minus(MARGIN));
    }
  }

  private void heard(String payload) {
    lastHeard = clock.instant();
    if (payload.equals(TaskChanges.WATCHING)) {
      changes.watchedUntil(watchedUntil());
    } else if (payload.equals(TaskChanges.HELLO)) {
      announceIfWatched();
    } else if (payload.equals(TaskChanges.GAP)) {
      if (watching()) {
        repair(lastHeard.minus(MARGIN));
      }
    } else if (payload.startsWith(TaskChanges.CHANGED) && watching()) {
      toRead.addAll(TaskChanges.decode(payload));
      read();
    }
  }

  /** Three announcement periods: one lost announcement does not stop the sending. */
  private static long watchedUntil() {
    return System.nanoTime() + 3 * TaskChanges.WATCH_PERIOD_MS * 1_000_000;
  }

  private void read() {
    if (reading || toRead.isEmpty()) {
      return;
    }
    reading = true;
    List<UUID> batch = new ArrayList<>(Math.min(toRead.size(), READ_BATCH));
    Iterator<UUID> pending = toRead.iterator();
    while (pending.hasNext() && batch.size() < READ_BATCH) {
      batch.add(pending.next());
      pending.remove();
    }
    store
        .tasks(batch)
        .onComplete(
            read -> {
              reading = false;
              if (read.succeeded()) {
                readLog.succeeded();
                publish(read.result());
              } else {
                // The events are lost; the streams' periodic look at their tasks repairs them.
                readLog.failed(read.cause());
              }
              read();
            });
  }

  private void publish(List<Task> tasks) {
    List<TaskEvent> events = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      if (published.changed(task)) {
        events.add(TaskEvent.of(ids.next(), task));
      }
    }
    if (!events.isEmpty()) {
      vertx.eventBus().publish(ADDRESS, new TaskEvents(events));
    }
  }

  private void repair(Instant since) {
    vertx.eventBus().publish(REPAIR_ADDRESS, EventIds.micros(since));
  }
}
