package dev.offload.store;

import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.UUID;

/**
 * Tasks created at or after {@code after} and before {@code before} (each null for no bound). The
 * statements bound the task id too: a task id (UUIDv7, see {@link dev.offload.task.TaskIds}) starts
 * with the millisecond of its creation, or a little later when its node made more than 4,096 ids in
 * a millisecond or its clock went back, never earlier; so the id range reads only an index range,
 * and the created_at condition makes it exact.
 */
public record CreatedRange(Instant after, Instant before) {

  public static final CreatedRange ANY = new CreatedRange(null, null);

  /** How much later than its creation a task's id may say it was made. */
  private static final long ID_SLACK_MS = 60_000;

  /** Adds the four parameters of TaskSql's createdRange. */
  Tuple addTo(Tuple params) {
    return params
        .addUUID(after == null ? null : idAt(after.toEpochMilli()))
        .addUUID(before == null ? null : idAt(before.toEpochMilli() + ID_SLACK_MS))
        .addOffsetDateTime(TaskRows.timestamp(after))
        .addOffsetDateTime(TaskRows.timestamp(before));
  }

  /** The lowest id of millisecond {@code millis}. */
  private static UUID idAt(long millis) {
    return new UUID((millis & 0xFFFF_FFFF_FFFFL) << 16, 0);
  }
}
