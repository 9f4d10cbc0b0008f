package dev.offload.users;

/**
 * Every statement the user store runs. All values are bound parameters ({@code $n}); the comment
 * above each statement names them. A parameter whose type PostgreSQL cannot infer (inside coalesce)
 * is cast, or its prepare would fail. Times come from the caller's clock, never from {@code now()}.
 */
final class UserSql {

  private UserSql() {}

  /** The unique index on lower(email); a 23505 naming it means "this email is taken". */
  static final String EMAIL_INDEX = "offload_user_email_unique";

  private static final String COLUMNS = "id, email, name, created_at, updated_at";

  /**
   * $1 email, $2 name, $3 now (both created_at and updated_at). The id comes from the identity. An
   * email taken in any case fails with 23505 on EMAIL_INDEX, also when two inserts race.
   */
  static final String USER_INSERT =
      """
      INSERT INTO offload_user (email, name, created_at, updated_at)
      VALUES ($1, $2, $3, $3)
      RETURNING %s"""
          .formatted(COLUMNS);

  /** $1 id. */
  static final String USER_GET = "SELECT " + COLUMNS + " FROM offload_user WHERE id = $1";

  /**
   * $1 id, $2 new email (null: keep), $3 new name (null: keep), $4 now as updated_at. No row comes
   * back when the user does not exist. A new email taken by another user fails with 23505 on
   * EMAIL_INDEX.
   */
  static final String USER_UPDATE =
      """
      UPDATE offload_user
      SET email = coalesce($2::text, email), name = coalesce($3::text, name), updated_at = $4
      WHERE id = $1
      RETURNING %s"""
          .formatted(COLUMNS);

  /** $1 id. One row deleted, or none when the user does not exist. */
  static final String USER_DELETE = "DELETE FROM offload_user WHERE id = $1";

  /**
   * Keyset pagination in id order: $1 the last id of the previous page (0 for the first page: ids
   * are positive), $2 limit. Every page is one range scan of the primary key that starts at the
   * cursor, so page 10,000 costs what page 1 does (an OFFSET would read and drop every earlier
   * row), and rows inserted or deleted meanwhile never shift the rows of later pages. The plain "id
   * > $1", without an "IS NULL OR" branch, keeps the cached generic plan on the index.
   */
  /**
   * $1 text the email contains, case-insensitively (null: every user). For an export's progress.
   */
  static final String USER_COUNT =
      """
      SELECT count(*) FROM offload_user WHERE ($1::text IS NULL OR strpos(lower(email), lower($1::text)) > 0)""";

  /**
   * An export page: $1 the last id exported (0 at first), $2 email filter as in USER_COUNT, $3 page
   * size.
   */
  static final String USER_EXPORT_PAGE =
      """
      SELECT %s FROM offload_user
      WHERE id > $1 AND ($2::text IS NULL OR strpos(lower(email), lower($2::text)) > 0)
      ORDER BY id
      LIMIT $3"""
          .formatted(COLUMNS);

  /**
   * An import batch: arrays $1 emails, $2 names; $3 now. A row whose email is taken (also earlier
   * in the batch) is skipped, not an error for the whole batch; the emails inserted come back, so
   * the caller can tell which lines were skipped.
   */
  static final String USER_IMPORT_BATCH =
      """
      INSERT INTO offload_user (email, name, created_at, updated_at)
      SELECT email, name, $3, $3 FROM unnest($1::text[], $2::text[]) AS given(email, name)
      ON CONFLICT (lower(email)) DO NOTHING
      RETURNING lower(email) AS email""";

  static final String USER_LIST_AFTER =
      """
      SELECT %s FROM offload_user
      WHERE id > $1
      ORDER BY id
      LIMIT $2"""
          .formatted(COLUMNS);
}
