package dev.offload.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Tells every node which tasks changed, for the event streams (docs/api.md, Events): the stores
 * call it after the commit of every statement that changes a task's state, progress or attempt, and
 * it sends the ids with {@code NOTIFY} on the events channel. Each node's event hub hears them, its
 * own changes included, and reads what changed only if it has subscribers.
 *
 * <p>Nothing is sent while no node watches: a node with subscribers announces it every few seconds
 * ({@link #announce}), and each node's hub passes what it hears to {@link #watchedUntil}. So a
 * cluster without event streams pays a time comparison per statement, no more.
 *
 * <p>Sent like {@link Wakeups}: one NOTIFY statement in flight at a time, after the commit and
 * never inside it, the ids changed meanwhile merged and sent together: under load each statement
 * carries more ids, not more statements. A payload holds up to {@value #IDS_PER_PAYLOAD} ids (22
 * characters each, base64 of the 16 bytes), under PostgreSQL's 8,000-byte limit. At most {@value
 * #MAX_PENDING} ids wait (the database away): beyond that they are dropped, and the hubs repair
 * what their subscribers may have missed (see the gap payload). One per node, thread-safe.
 */
public final class TaskChanges {

  /** Payload: a node has subscribers, and will say so again within {@link #WATCH_PERIOD_MS}. */
  public static final String WATCHING = "w";

  /** Payload: a node just began to listen; nodes with subscribers announce themselves at once. */
  public static final String HELLO = "?";

  /** Payload: changes were dropped; hubs repair their subscribers' views. */
  public static final String GAP = "g";

  /** Payload prefix of changed ids. */
  public static final String CHANGED = "c";

  /** How often a node with subscribers announces itself. */
  public static final long WATCH_PERIOD_MS = 5_000;

  static final int IDS_PER_PAYLOAD = 363;
  private static final int MAX_PENDING = 100_000;
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

  private final Pool client;
  private final String channel;
  private volatile long watchedUntilNanos = System.nanoTime();
  private final Set<UUID> pending = new LinkedHashSet<>();
  private boolean sending;
  private boolean dropped;

  public TaskChanges(Pool client, String channel) {
    this.client = client;
    this.channel = channel;
  }

  /** Some node has subscribers until {@code nanoTime}, as far as this node heard. */
  public void watchedUntil(long nanoTime) {
    if (nanoTime - watchedUntilNanos > 0) {
      watchedUntilNanos = nanoTime;
    }
  }

  private boolean watched() {
    return watchedUntilNanos - System.nanoTime() > 0;
  }

  void changed(UUID id) {
    if (watched()) {
      merge(List.of(id));
    }
  }

  void changed(Collection<UUID> ids) {
    if (!ids.isEmpty() && watched()) {
      merge(ids);
    }
  }

  private void merge(Collection<UUID> ids) {
    synchronized (this) {
      if (pending.size() + ids.size() > MAX_PENDING) {
        dropped = true;
      } else {
        pending.addAll(ids);
      }
      if (sending) {
        return;
      }
      sending = true;
    }
    send();
  }

  private void send() {
    List<String> payloads = new ArrayList<>();
    synchronized (this) {
      if (dropped) {
        payloads.add(GAP);
        dropped = false;
      }
      StringBuilder payload = null;
      int inPayload = 0;
      for (UUID id : pending) {
        if (payload == null || inPayload == IDS_PER_PAYLOAD) {
          if (payload != null) {
            payloads.add(payload.toString());
          }
          payload = new StringBuilder(1 + 22 * IDS_PER_PAYLOAD).append(CHANGED);
          inPayload = 0;
        }
        payload.append(encode(id));
        inPayload++;
      }
      if (payload != null) {
        payloads.add(payload.toString());
      }
      pending.clear();
      if (payloads.isEmpty()) {
        sending = false;
        return;
      }
    }
    notify(payloads).onComplete(sent -> send());
  }

  /** Tells every node that this one has subscribers (payload {@link #WATCHING}). */
  public Future<Void> announce() {
    return notify(List.of(WATCHING));
  }

  /** Asks the nodes with subscribers to announce themselves now (payload {@link #HELLO}). */
  public Future<Void> hello() {
    return notify(List.of(HELLO));
  }

  private Future<Void> notify(List<String> payloads) {
    return client
        .preparedQuery(TaskSql.WAKE)
        .execute(Tuple.of(channel).addArrayOfString(payloads.toArray(String[]::new)))
        .mapEmpty();
  }

  static String encode(UUID id) {
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    return BASE64.encodeToString(bytes.array());
  }

  /** The ids of a {@link #CHANGED} payload; those that do not decode are skipped. */
  public static List<UUID> decode(String payload) {
    List<UUID> ids = new ArrayList<>((payload.length() - 1) / 22);
    for (int at = 1; at + 22 <= payload.length(); at += 22) {
      try {
        ByteBuffer bytes = ByteBuffer.wrap(DECODE.decode(payload.substring(at, at + 22)));
        ids.add(new UUID(bytes.getLong(), bytes.getLong()));
      } catch (IllegalArgumentException notOurs) {
        // Someone else's NOTIFY on this channel: skip it.
      }
    }
    return ids;
  }
}
