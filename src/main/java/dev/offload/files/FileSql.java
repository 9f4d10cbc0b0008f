package dev.offload.files;

/** The statements of the file store; all values are bound parameters. */
final class FileSql {

  private FileSql() {}

  /**
   * $1 id, $2 task id (or null for an upload not yet attached), $3 role, $4 content type, $5 now.
   */
  static final String FILE_INSERT =
      """
      INSERT INTO offload_file (id, task_id, role, content_type, created_at) VALUES ($1, $2, $3, $4, $5)""";

  /** $1 file id, $2 chunk number, $3 bytes. */
  static final String FILE_CHUNK_INSERT =
      "INSERT INTO offload_file_chunk (file_id, seq, data) VALUES ($1, $2, $3)";

  /** $1 file id, $2 total size: the file is complete. */
  static final String FILE_SET_SIZE = "UPDATE offload_file SET size = $2 WHERE id = $1";

  /** $1 task id, $2 role: the complete file of that role. */
  static final String FILE_GET_BY_TASK =
      """
      SELECT id, content_type, size FROM offload_file WHERE task_id = $1 AND role = $2 AND size IS NOT NULL""";

  /** $1 file id, $2 chunk number. */
  static final String FILE_CHUNK_GET =
      "SELECT data FROM offload_file_chunk WHERE file_id = $1 AND seq = $2";

  /**
   * $1 task id, $2 role: a partial file of an earlier attempt goes before the next attempt writes
   * anew.
   */
  static final String FILE_DELETE_BY_TASK =
      "DELETE FROM offload_file WHERE task_id = $1 AND role = $2";

  /** $1 file id, $2 task id: an upload becomes its task's input, and goes with it. */
  static final String FILE_ATTACH = "UPDATE offload_file SET task_id = $2 WHERE id = $1";

  /** $1 file id: the file if complete. */
  static final String FILE_GET =
      "SELECT id, content_type, size FROM offload_file WHERE id = $1 AND size IS NOT NULL";

  /** $1 uploads created before this time that never got their task. */
  static final String FILE_PRUNE_ORPHANS =
      "DELETE FROM offload_file WHERE task_id IS NULL AND created_at < $1";
}
