package dev.offload.files;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/** The only class issuing file SQL: files of tasks, stored as numbered chunks. */
public final class FileStore {

  /**
   * Chunks are written at about this size: big enough for few round trips, small enough to hold.
   */
  public static final int CHUNK_BYTES = 1024 * 1024;

  public enum Role {
    INPUT,
    RESULT
  }

  private final Pool client;

  public FileStore(Pool pool) {
    this.client = pool;
  }

  /**
   * A new, empty file; {@code taskId} null for an upload whose task is created when it is complete.
   */
  public Future<UUID> create(UUID taskId, Role role, String contentType, Instant now) {
    UUID id = UUID.randomUUID();
    Tuple params =
        Tuple.of(
            id,
            taskId,
            role.name().toLowerCase(),
            contentType,
            OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
    return client.preparedQuery(FileSql.FILE_INSERT).execute(params).map(id);
  }

  /**
   * A new, empty file for the task, in place of any earlier one of the same role (a failed
   * attempt's).
   */
  public Future<UUID> replace(UUID taskId, Role role, String contentType, Instant now) {
    return client
        .preparedQuery(FileSql.FILE_DELETE_BY_TASK)
        .execute(Tuple.of(taskId, role.name().toLowerCase()))
        .compose(deleted -> create(taskId, role, contentType, now));
  }

  public Future<Void> attach(UUID fileId, UUID taskId) {
    return client.preparedQuery(FileSql.FILE_ATTACH).execute(Tuple.of(fileId, taskId)).mapEmpty();
  }

  public Future<Optional<StoredFile>> get(UUID fileId) {
    return client.preparedQuery(FileSql.FILE_GET).execute(Tuple.of(fileId)).map(FileStore::first);
  }

  public Future<Void> appendChunk(UUID fileId, int seq, Buffer data) {
    return client
        .preparedQuery(FileSql.FILE_CHUNK_INSERT)
        .execute(Tuple.of(fileId, seq, data))
        .mapEmpty();
  }

  /** Marks the file complete: only complete files are found by {@link #find}. */
  public Future<Void> complete(UUID fileId, long size) {
    return client.preparedQuery(FileSql.FILE_SET_SIZE).execute(Tuple.of(fileId, size)).mapEmpty();
  }

  public Future<Optional<StoredFile>> find(UUID taskId, Role role) {
    return client
        .preparedQuery(FileSql.FILE_GET_BY_TASK)
        .execute(Tuple.of(taskId, role.name().toLowerCase()))
        .map(FileStore::first);
  }

  private static Optional<StoredFile> first(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row row = rows.iterator().next();
    return Optional.of(
        new StoredFile(row.getUUID("id"), row.getString("content_type"), row.getLong("size")));
  }

  /** Chunk {@code seq} of the file, or null past its end. */
  public Future<Buffer> chunk(UUID fileId, int seq) {
    return client
        .preparedQuery(FileSql.FILE_CHUNK_GET)
        .execute(Tuple.of(fileId, seq))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getBuffer("data"));
  }

  /** Removes uploads older than {@code before} that never got their task; returns how many. */
  public Future<Integer> pruneOrphans(Instant before) {
    return client
        .preparedQuery(FileSql.FILE_PRUNE_ORPHANS)
        .execute(Tuple.of(OffsetDateTime.ofInstant(before, ZoneOffset.UTC)))
        .map(rows -> rows.rowCount());
  }
}
