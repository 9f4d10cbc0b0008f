package dev.offload.store;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every statement the task and attempt stores run. All values are bound parameters ({@code $n});
 * the comment above each statement names them, and a parameter whose type PostgreSQL cannot infer
 * (inside CASE or coalesce) is cast, or its prepare would fail once per connection. Time always
 * comes from the caller's clock, never from {@code now()}, so tests can move it and so every node
 * measures leases the same way.
 *
 * <p>No statement that makes a task due notifies: the stores wake the dispatchers after its commit,
 * in a statement of its own (see {@link Wakeups}), so that these statements commit side by side.
 * The one NOTIFY left inside a statement is TASK_CANCEL's cancel notice to the node running a task,
 * which wakes no dispatcher.
 *
 * <p>A task that names a callback URL gets its callback task in the same statement that makes it
 * final, whichever statement that is (TASK_END_ATTEMPTS, TASK_RESCUE_STUCK, TASK_CANCEL; see
 * callbackInsert), so the callback is exactly as durable as the final state. A new statement that
 * makes tasks final must do the same.
 *
 * <p>Two tables hold the tasks (see docs/storage.md): offload_task the waiting and running ones,
 * offload_task_done, partitioned by finalized_at, the final ones. A statement that makes tasks
 * final moves them, deleting each from the first and inserting it into the second; a retry moves
 * one back. Reads of final tasks see only those finalized at or after the retention's cutoff, so a
 * task is gone exactly when the retention says, although its partition is dropped a little later.
 * Unique keys are taken in offload_task_key, the one arbiter over both tables.
 *
 * <p>Statements on running attempts by id must find them through the primary key. Statistics taken
 * while few tasks ran (after a bulk insert, say) make running rows look nearly absent, so given the
 * choice the planner starts from them (the lease index, or a scan) and compares each with every id:
 * with 1,000 attempts running, a million comparisons per batch of outcomes. Hence they test {@code
 * lease_expires_at IS NOT NULL}, which the table's CHECK makes the same as {@code state =
 * 'running'} but which no index matches, and statements that join arrays to the table look each row
 * up in a LATERAL subquery, an order the planner cannot turn.
 */
final class TaskSql {

  private TaskSql() {}

  static final String COLUMNS =
      """
      id, kind, lane, queue, state, args, priority, attempt, max_attempts, timeout_ms, progress, result, errors,
      attempted_by, created_at, scheduled_at, attempted_at, finalized_at, cancel_requested_at, unique_key,
      callback_url, traceparent""";

  /**
   * Whether a due task's queue is not paused (offload_queue): part of every claim statement, so
   * that whoever claims (a node's dispatcher, a remote worker) skips a paused queue, and of
   * TASK_WAITING_BEFORE, so that a paused queue's backlog does not keep resetting claim floors. The
   * paused queues are read once per statement (an InitPlan); none paused, the filter is an empty
   * array. A paused queue's due tasks stay in the claim index, and a claim passes over those that
   * come before the tasks it takes (see docs/api.md, Queues).
   */
  private static final String NOT_PAUSED =
      "queue <> ALL (ARRAY(SELECT name FROM offload_queue WHERE paused))";

  /** {@link #COLUMNS} for a list page: the heavy ones only when asked for ($7, $8, $9). */
  private static final String LIST_COLUMNS =
      COLUMNS
          .replace("args", "CASE WHEN $7 THEN args END AS args")
          .replace("result", "CASE WHEN $8 THEN result END AS result")
          .replace("errors", "CASE WHEN $9 THEN errors ELSE '[]'::jsonb END AS errors");

  /**
   * $1 id, $2 kind, $3 queue, $4 state, $5 args, $6 priority, $7 max_attempts, $8 timeout_ms, $9
   * created_at, $10 scheduled_at, $11 unique key (or null), $12 callback URL (or null), $13 lane,
   * $14 the fingerprint of the request that takes the key (or null), $15 the W3C traceparent of its
   * submission (or null). No row comes back when its unique key is taken: the caller reads the task
   * that holds it in a new statement, whose snapshot sees a concurrent insert that won the race.
   */
  static final String TASK_INSERT =
      """
      WITH key AS (
          INSERT INTO offload_task_key (unique_key, task_id, request_hash)
          SELECT $11::text, $1::uuid, $14::text WHERE $11::text IS NOT NULL
          ON CONFLICT (unique_key) DO NOTHING
          RETURNING task_id
      )
      INSERT INTO offload_task (id, kind, queue, state, args, priority, max_attempts, timeout_ms,
                                created_at, scheduled_at, unique_key, callback_url, lane, traceparent)
      SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $15
      WHERE $11::text IS NULL OR EXISTS (SELECT FROM key)
      RETURNING %s"""
          .formatted(COLUMNS);

  /**
   * Inserts many tasks in one statement; arrays, one element per task: $1 id, $2 kind, $3 queue, $4
   * state, $5 args as JSON text, $6 priority, $7 max_attempts, $8 timeout_ms, $10 scheduled_at, $11
   * unique key, $12 callback URL, $13 lane, $14 request fingerprint, $15 traceparent; $9 created_at
   * is shared. Tasks whose unique key is taken (also earlier in the same statement) are skipped
   * (see TASK_IDS_BY_UNIQUE_KEYS). Returns the ids inserted.
   */
  static final String TASK_INSERT_MANY = insertMany("id");

  /**
   * TASK_INSERT_MANY returning the whole rows inserted: for single submissions grouped into one
   * statement.
   */
  static final String TASK_INSERT_MANY_RETURNING_ROWS = insertMany(COLUMNS);

  private static String insertMany(String returning) {
    return """
        WITH given AS (
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[],
                                 $7::int[], $8::bigint[], $10::timestamptz[], $11::text[], $12::text[],
                                 $13::text[], $14::text[], $15::text[]) WITH ORDINALITY
                 AS given(id, kind, queue, state, args, priority, max_attempts, timeout_ms, scheduled_at,
                          unique_key, callback_url, lane, request_hash, traceparent, position)
        ), keys AS (
            INSERT INTO offload_task_key (unique_key, task_id, request_hash)
            SELECT unique_key, id, request_hash FROM given WHERE unique_key IS NOT NULL
            ORDER BY position -- the first of two equal unique keys is the one taken
            ON CONFLICT (unique_key) DO NOTHING
            RETURNING task_id
        )
        INSERT INTO offload_task (id, kind, queue, state, args, priority, max_attempts, timeout_ms,
                                  created_at, scheduled_at, unique_key, callback_url, lane, traceparent)
        SELECT id, kind, queue, state, args::jsonb, priority, max_attempts, timeout_ms, $9, scheduled_at,
               unique_key, callback_url, lane, traceparent
        FROM given
        WHERE unique_key IS NULL OR id IN (SELECT task_id FROM keys)
        ORDER BY position
        RETURNING %s"""
        .formatted(returning);
  }

  /**
   * The callback tasks of the rows of {@code finalized}, a CTE of the rows its statement just
   * updated (with {@link #CALLBACK_SOURCE_COLUMNS}), for those that became final and name a
   * callback URL. Part of the statement that made them final, so a callback is committed with the
   * final state or not at all. Each is due at once, in the queue and at the priority of its task,
   * with args {@code url} and {@code task_id}, and in its task's trace (its traceparent). The
   * placeholders {@code kind}, {@code maxAttempts}, {@code timeoutMs} and {@code lane} are bound to
   * {@link dev.offload.task.Callbacks}' values. Ids from offload_uuid_v7, time-ordered like
   * TaskIds'.
   */
  private static String callbackInsert(
      String finalized, String kind, String maxAttempts, String timeoutMs, String lane) {
    return """
        INSERT INTO offload_task (id, kind, queue, state, args, priority, max_attempts, timeout_ms,
                                  created_at, scheduled_at, lane, traceparent)
        SELECT offload_uuid_v7(finalized_at), %2$s::text, queue, 'available',
               jsonb_build_object('url', callback_url, 'task_id', id), priority, %3$s::int, %4$s::bigint,
               finalized_at, finalized_at, %5$s::text, traceparent
        FROM %1$s
        WHERE callback_url IS NOT NULL AND finalized_at IS NOT NULL
        RETURNING id"""
        .formatted(finalized, kind, maxAttempts, timeoutMs, lane);
  }

  /** $1 the task channel, $2 its payloads (see {@link Wakeups}), one notification each. */
  static final String WAKE = "SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload";

  /** The tasks, live or final, whose ids subquery {@code ids} gives. */
  private static String liveOrFinal(String ids) {
    return """
        SELECT %1$s FROM offload_task WHERE id IN (%2$s)
        UNION ALL
        SELECT %1$s FROM offload_task_done WHERE id IN (%2$s)"""
        .formatted(COLUMNS, ids);
  }

  /**
   * $1 unique keys: the tasks holding them, whole. A final task holds its key until it is deleted,
   * so these read it even after the retention's cutoff (see offload_task_done_prune).
   */
  static final String TASK_GET_BY_UNIQUE_KEYS =
      liveOrFinal("SELECT task_id FROM offload_task_key WHERE unique_key = ANY($1::text[])");

  /** $1 unique key: the task holding it (see TASK_GET_BY_UNIQUE_KEYS). */
  static final String TASK_GET_BY_UNIQUE_KEY =
      liveOrFinal("SELECT task_id FROM offload_task_key WHERE unique_key = $1");

  /**
   * $1 unique keys: the fingerprint of the request that took each (null: taken before fingerprints
   * were kept, or by a submission without one).
   */
  static final String TASK_KEY_REQUEST_HASHES =
      "SELECT unique_key, request_hash FROM offload_task_key WHERE unique_key = ANY($1::text[])";

  /** $1 unique keys: the ids of the tasks holding them, and the keys; none for a task gone. */
  static final String TASK_IDS_BY_UNIQUE_KEYS =
      """
      SELECT task_id AS id, unique_key FROM offload_task_key AS key
      WHERE unique_key = ANY($1::text[])
        AND (EXISTS (SELECT FROM offload_task WHERE id = key.task_id)
             OR EXISTS (SELECT FROM offload_task_done WHERE id = key.task_id))""";

  /**
   * Deletes those of unique keys $1 whose task is in neither table (see
   * TaskStore#freeOrphanedKeys).
   */
  static final String TASK_KEY_FREE_ORPHANS =
      """
      DELETE FROM offload_task_key AS key
      WHERE unique_key = ANY($1::text[])
        AND NOT EXISTS (SELECT FROM offload_task WHERE id = key.task_id)
        AND NOT EXISTS (SELECT FROM offload_task_done WHERE id = key.task_id)""";

  /** $1 now: the earliest start time after now of a waiting task, or null. */
  static final String TASK_NEXT_DUE =
      """
      SELECT min(scheduled_at) AS next_due FROM offload_task
      WHERE state IN ('scheduled', 'retryable') AND scheduled_at > $1""";

  /**
   * The columns of the task {@code alias}, a row just deleted from offload_task, as a final task
   * for offload_task_done (in the order of {@link #COLUMNS}): its own values but for the {@code
   * changed} columns, which take the given expressions.
   */
  private static String asFinal(String alias, Map<String, String> changed) {
    return Arrays.stream(COLUMNS.split(","))
        .map(String::strip)
        .map(column -> changed.getOrDefault(column, alias + "." + column))
        .collect(Collectors.joining(", "));
  }

  /**
   * Cancels task $1 at $2, unless it is final. A waiting task becomes cancelled at once (moved to
   * the history), with its callback task ($4 to $7, see callbackInsert); its scheduled_at becomes
   * $2 if it was later, so that a final task was never due after it ended. A running one keeps
   * running with cancel_requested_at set, and its node hears of it through NOTIFY on the cancel
   * channel $3 (payload: the id) or, failing that, at its next lease renewal; its attempt then ends
   * cancelled. That NOTIFY is a cancel notice to one node, not a wake, and cancels are rare: it
   * stays inside the statement. The task is locked first, so the state that chooses between the two
   * is its newest. No row: unknown or already final; {@code callbacks}: how many callback tasks
   * were inserted (0 or 1).
   */
  static final String TASK_CANCEL = cancel("id = $1");

  /**
   * TASK_CANCEL for the tasks of id array $1 (bulk cancel, at most a chunk of ids at a time),
   * locked in id order, so that two bulk cancels never wait for each other in a cycle. One row per
   * task changed: the cancelled ones and the running ones asked to stop.
   */
  static final String TASK_CANCEL_MANY = cancel("id = ANY($1::uuid[])");

  private static String cancel(String target) {
    return """
      WITH target AS (
          SELECT id, state FROM offload_task WHERE %5$s ORDER BY id FOR UPDATE
      ), requested AS (
          UPDATE offload_task AS task SET cancel_requested_at = coalesce(task.cancel_requested_at, $2::timestamptz)
          FROM target
          WHERE task.id = target.id AND target.state = 'running'
          RETURNING %1$s
      ), notified AS (
          SELECT pg_notify($3, id::text) FROM requested
      ), removed AS (
          DELETE FROM offload_task AS task USING target
          WHERE task.id = target.id AND target.state <> 'running'
          RETURNING task.*
      ), cancelled AS (
          INSERT INTO offload_task_done (%2$s)
          SELECT %3$s FROM removed AS task
          RETURNING %2$s
      ), callbacks AS (
          %4$s
      )
      SELECT %2$s, (SELECT count(*) FROM notified)::int AS notified,
             (SELECT count(*) FROM callbacks)::int AS callbacks, ARRAY(SELECT id FROM callbacks) AS callback_ids
      FROM (SELECT %2$s FROM requested UNION ALL SELECT %2$s FROM cancelled) AS task"""
        .formatted(
            prefixed("task"),
            COLUMNS,
            asFinal(
                "task",
                Map.of(
                    "state", "'cancelled'",
                    "scheduled_at", "least(task.scheduled_at, $2::timestamptz)",
                    "finalized_at", "$2::timestamptz",
                    "cancel_requested_at", "coalesce(task.cancel_requested_at, $2::timestamptz)")),
            callbackInsert("cancelled", "$4", "$5", "$6", "$7"),
            target);
  }

  /**
   * Puts a discarded or cancelled task $1 back to available at $2 (moving it back from the
   * history), with at least one attempt left and no progress until its next attempt reports some.
   * $3 the retention's cutoff. No row: unknown, or not discarded nor cancelled.
   */
  static final String TASK_RETRY = retry("id = $1");

  /** TASK_RETRY for the tasks of id array $1 (bulk retry); one row per task made available. */
  static final String TASK_RETRY_MANY = retry("id = ANY($1::uuid[])");

  private static String retry(String target) {
    return """
      WITH back AS (
          DELETE FROM offload_task_done
          WHERE %2$s AND state IN ('discarded', 'cancelled') AND finalized_at >= $3
          RETURNING *
      )
      INSERT INTO offload_task (%1$s)
      SELECT id, kind, lane, queue, 'available', args, priority, attempt, greatest(max_attempts, attempt + 1),
             timeout_ms, NULL, result, errors, attempted_by, created_at, $2, attempted_at, NULL, NULL, unique_key,
             callback_url, traceparent
      FROM back
      RETURNING %1$s"""
        .formatted(COLUMNS, target);
  }

  /** $1 id, $2 the retention's cutoff. */
  static final String TASK_GET =
      """
      SELECT %1$s FROM offload_task WHERE id = $1
      UNION ALL
      SELECT %1$s FROM offload_task_done WHERE id = $1 AND finalized_at >= $2"""
          .formatted(COLUMNS);

  /**
   * The created range of a list or a bulk filter, from parameter ${@code first} on: the first two
   * bound the id (a UUIDv7 holds its creation's millisecond, see TaskIds), so that the primary key
   * or the history's id index reads only the range; the next two, created at or after and created
   * before (each null for no bound), make it exact.
   */
  private static String createdRange(int first) {
    return """
        AND ($%1$d::uuid IS NULL OR id >= $%1$d) AND ($%2$d::uuid IS NULL OR id < $%2$d)
        AND ($%3$d::timestamptz IS NULL OR created_at >= $%3$d)
        AND ($%4$d::timestamptz IS NULL OR created_at < $%4$d)"""
        .formatted(first, first + 1, first + 2, first + 3);
  }

  /**
   * Newest first, keyset-paginated on the time-ordered id. $1 state, $2 kind, $3 queue (each null
   * for any), $4 the last id of the previous page (null for the first page), $5 limit, $6 the
   * retention's cutoff. Each table gives its newest matching rows, unless the state asked for is
   * not one it holds.
   *
   * <p>The heavy columns come only when asked for: $7 args, $8 result, $9 errors (booleans; the
   * others are null, or an empty list of errors, and are never read from storage). The page is also
   * bounded in bytes: rows stop before the one whose requested columns, as JSON text, would take
   * the page past $10 bytes (the first row always comes). {@code page_rows} says how many rows
   * matched before that cut, so the caller knows whether more follow. $11 to $14: the created
   * range, see createdRange.
   */
  static final String TASK_LIST =
      """
      WITH page AS (
          (SELECT %1$s FROM offload_task
           WHERE ($1::text IS NULL OR $1::text IN ('available', 'scheduled', 'running', 'retryable'))
             AND ($1::text IS NULL OR state = $1)
             AND ($2::text IS NULL OR kind = $2)
             AND ($3::text IS NULL OR queue = $3)
             AND ($4::uuid IS NULL OR id < $4)
             %3$s
           ORDER BY id DESC
           LIMIT $5)
          UNION ALL
          (SELECT %1$s FROM offload_task_done
           WHERE ($1::text IS NULL OR $1::text IN ('completed', 'cancelled', 'discarded'))
             AND ($1::text IS NULL OR state = $1)
             AND ($2::text IS NULL OR kind = $2)
             AND ($3::text IS NULL OR queue = $3)
             AND ($4::uuid IS NULL OR id < $4)
             AND finalized_at >= $6
             %3$s
           ORDER BY id DESC
           LIMIT $5)
          ORDER BY id DESC
          LIMIT $5
      ),
      sized AS (
          SELECT page.*,
                 coalesce(octet_length(args::text), 0) + coalesce(octet_length(result::text), 0)
                     + octet_length(errors::text) AS bytes
          FROM page
      ),
      running AS (
          SELECT sized.*,
                 sum(bytes) OVER (ORDER BY id DESC ROWS UNBOUNDED PRECEDING) - bytes AS bytes_before,
                 row_number() OVER (ORDER BY id DESC) AS position,
                 count(*) OVER () AS page_rows
          FROM sized
      )
      SELECT %2$s, page_rows FROM running
      WHERE position = 1 OR bytes_before + bytes <= $10
      ORDER BY id DESC"""
          .formatted(LIST_COLUMNS, COLUMNS, createdRange(11));

  /** The light columns of a task: {@link #COLUMNS} without args, result and errors. */
  static final String LIGHT_COLUMNS =
      COLUMNS
          .replace("args", "NULL::jsonb AS args")
          .replace("result", "NULL::jsonb AS result")
          .replace("errors", "'[]'::jsonb AS errors");

  /**
   * A search of the task list for text $11: a task matches when its unique key is $11 or its args,
   * as JSON text, contain it. Bounded: it looks at the newest $12 tasks that pass the other filters
   * (as TASK_LIST's: $1 to $4, $6 the retention's cutoff, $7 to $10 the created range), both tables
   * together, and returns up to $5 of those that match, newest first, light columns only. {@code
   * scanned} and {@code lowest} (always one row, its task columns null when nothing matched) say
   * how far it looked: the next page starts below {@code lowest} when it looked at $12 tasks.
   */
  static final String TASK_SEARCH =
      """
      WITH scanned AS (
          (SELECT %1$s, (unique_key = $11 OR strpos(args::text, $11) > 0) AS matched FROM offload_task
           WHERE ($1::text IS NULL OR $1::text IN ('available', 'scheduled', 'running', 'retryable'))
             AND ($1::text IS NULL OR state = $1)
             AND ($2::text IS NULL OR kind = $2)
             AND ($3::text IS NULL OR queue = $3)
             AND ($4::uuid IS NULL OR id < $4)
             %2$s
           ORDER BY id DESC
           LIMIT $12)
          UNION ALL
          (SELECT %1$s, (unique_key = $11 OR strpos(args::text, $11) > 0) AS matched FROM offload_task_done
           WHERE ($1::text IS NULL OR $1::text IN ('completed', 'cancelled', 'discarded'))
             AND ($1::text IS NULL OR state = $1)
             AND ($2::text IS NULL OR kind = $2)
             AND ($3::text IS NULL OR queue = $3)
             AND ($4::uuid IS NULL OR id < $4)
             AND finalized_at >= $6
             %2$s
           ORDER BY id DESC
           LIMIT $12)
          ORDER BY id DESC
          LIMIT $12
      ), seen AS (
          SELECT count(*) AS scanned, min(id::text)::uuid AS lowest FROM scanned
      )
      SELECT found.*, seen.scanned, seen.lowest
      FROM seen LEFT JOIN LATERAL (
          SELECT %3$s FROM scanned WHERE matched ORDER BY id DESC LIMIT $5
      ) AS found ON true
      ORDER BY found.id DESC"""
          .formatted(LIGHT_COLUMNS, createdRange(7), COLUMNS);

  /**
   * The next chunk of a bulk filter over the waiting and running tasks: their ids above $4 (null:
   * from the start), in id order, at most $5. $1 states (array, null for any), $2 kind, $3 queue
   * (null for any); $6 to $9 the created range (see createdRange).
   */
  static final String TASK_IDS_LIVE_MATCHING =
      """
      SELECT id FROM offload_task
      WHERE ($1::text[] IS NULL OR state = ANY($1::text[]))
        AND ($2::text IS NULL OR kind = $2)
        AND ($3::text IS NULL OR queue = $3)
        AND ($4::uuid IS NULL OR id > $4)
        %s
      ORDER BY id
      LIMIT $5"""
          .formatted(createdRange(6));

  /**
   * TASK_IDS_LIVE_MATCHING over the final tasks still retained, $10 the retention's cutoff. Without
   * a created range it reads the history in id order until it has $5 ids.
   */
  static final String TASK_IDS_FINAL_MATCHING =
      """
      SELECT id FROM offload_task_done
      WHERE ($1::text[] IS NULL OR state = ANY($1::text[]))
        AND ($2::text IS NULL OR kind = $2)
        AND ($3::text IS NULL OR queue = $3)
        AND ($4::uuid IS NULL OR id > $4)
        AND finalized_at >= $10
        %s
      ORDER BY id
      LIMIT $5"""
          .formatted(createdRange(6));

  /**
   * Deletes final task $1, retained ($2 the retention's cutoff), with its unique key and its files.
   * Returns one row when it did.
   */
  static final String TASK_DELETE_FINAL =
      """
      WITH gone AS (
          DELETE FROM offload_task_done WHERE id = $1 AND finalized_at >= $2
          RETURNING id, unique_key
      ), keys AS (
          DELETE FROM offload_task_key AS key USING gone
          WHERE gone.unique_key IS NOT NULL AND key.unique_key = gone.unique_key AND key.task_id = gone.id
      ), files AS (
          DELETE FROM offload_file AS file USING gone WHERE file.task_id = gone.id
      )
      SELECT id FROM gone""";

  /**
   * What a claim returns: the task, less its errors and result, which no attempt needs (decoding
   * them for every claimed row costs time on the hottest path). Defined above the claim statements,
   * which are built from it when the class loads.
   */
  private static final String CLAIMED_COLUMNS =
      prefixed("task")
          .replace("task.result", "NULL::jsonb AS result")
          .replace("task.errors", "'[]'::jsonb AS errors");

  private static String prefixed(String alias) {
    return Arrays.stream(COLUMNS.split(","))
        .map(column -> alias + "." + column.strip())
        .collect(Collectors.joining(", "));
  }

  /*
   * The claim statements, one per shape of ClaimScope. Each claims up to $3 due tasks of lane $5 for node $4
   * in one statement, and shares the first six parameters: $1 now, $2 lease expiry, $3 limit, $4 node id,
   * $5 lane ('blocking' or 'async'), $6 the scope's floor (tasks due before it are not looked at; null: no
   * floor, see ClaimScope#dueSince). The lane leads the claim index (offload_task_due), so a claim reads only
   * its own lane's due rows; the floor is checked on the index entries, so that the entries of tasks
   * claimed before it are passed over without a visit to the table (they stay in the index as long as an
   * open snapshot may still see them). SKIP LOCKED lets claimers on many nodes run at once without waiting
   * on each other or taking a task twice; the CTE fixes the chosen rows before the UPDATE touches them.
   * Claim order: lower priority first, then the longest due, then by id. The chosen ids reach the UPDATE
   * as an array, so that it finds each through the primary key: joined to the CTE instead, the generic
   * plan (which cannot know the LIMIT) hashes the whole table, every waiting task, on every claim.
   */

  /** Due tasks of lane $5 in any queue: the claim of a node without queue limits. */
  static final String TASK_CLAIM_AVAILABLE = claim("AND lane = $5", "$3");

  /**
   * Due tasks of lane $5 in any queue but those of array $7 (the queues with a limit, claimed on
   * their own).
   */
  static final String TASK_CLAIM_OUTSIDE_QUEUES =
      claim("AND queue <> ALL($7::text[]) AND lane = $5", "$3");

  /**
   * Due tasks of lane $5 in queue $7 only: a queue limited on each node, the caller giving the room
   * left.
   */
  static final String TASK_CLAIM_IN_QUEUE = claim("AND queue = $7 AND lane = $5", "$3");

  /**
   * Due tasks of lane $5 in queue $7, so that at most $8 of that queue's attempts run over all
   * nodes: the LIMIT counts the queue's running attempts. Run it after QUEUE_LOCK in the same
   * transaction, so that claimers on several nodes count one after the other.
   */
  static final String TASK_CLAIM_IN_QUEUE_GLOBAL_LIMIT =
      claim(
          "AND queue = $7 AND lane = $5",
          "greatest(0, least($3, $8::int - (SELECT count(*) FROM offload_task WHERE queue = $7 AND state = 'running')))");

  /**
   * Whether a task of lane $1 waits that fell due before $2, a claim floor (see
   * ClaimScope#dueSince). One probe of the claim index per priority (0 to 9, as the table's CHECK
   * allows), each a range that ends at the floor, so it reads only the entries below it; the claim
   * statements cannot see those tasks.
   */
  static final String TASK_WAITING_BEFORE =
      """
      SELECT EXISTS (
          SELECT FROM generate_series(0, 9) AS level(priority)
          CROSS JOIN LATERAL (
              SELECT FROM offload_task
              WHERE lane = $1 AND priority = level.priority AND state IN ('available', 'scheduled', 'retryable')
                AND scheduled_at < $2 AND %s
              ORDER BY lane, priority, scheduled_at
              LIMIT 1) waiting) AS waiting"""
          .formatted(NOT_PAUSED);

  /**
   * The due tasks of each queue that has any, for the queue gauges: how many, and when the oldest
   * fell due; $1 now. Tasks due later (scheduled, or retryable after their backoff) are not
   * counted: they do not wait yet. One pass over the live table, which holds only waiting and
   * running tasks: with most of its rows due, PostgreSQL reads it whole (parallel sequential scan)
   * rather than through offload_task_due_in_queue. Each node runs it once per
   * metrics.queue_interval, whatever the number of scrapes and queues; its cost grows with the
   * waiting tasks (about 0.3 s for a million, docs/operations.md#metrics).
   */
  static final String TASK_COUNT_DUE_BY_QUEUE =
      """
      SELECT queue, count(*) AS due, min(scheduled_at) AS oldest_due_at FROM offload_task
      WHERE state IN ('available', 'scheduled', 'retryable') AND scheduled_at <= $1
      GROUP BY queue""";

  /** Serializes the claims of queue $1 over all nodes until the transaction ends. */
  static final String QUEUE_LOCK =
      "SELECT pg_advisory_xact_lock(hashtextextended('offload.queue.' || $1, 0))";

  /** The claim statement with the extra conditions {@code filter} and the LIMIT {@code limit}. */
  private static String claim(String filter, String limit) {
    return """
        WITH due AS (
            SELECT id FROM offload_task
            WHERE state IN ('available', 'scheduled', 'retryable') AND scheduled_at <= $1
              AND scheduled_at >= coalesce($6::timestamptz, '-infinity') %s
              AND %s
            ORDER BY priority, scheduled_at, id
            LIMIT %s
            FOR UPDATE SKIP LOCKED
        )
        UPDATE offload_task AS task
        SET state = 'running', attempt = task.attempt + 1, attempted_at = $1, attempted_by = $4,
            lease_expires_at = $2, progress = NULL
        WHERE task.id = ANY (ARRAY(SELECT id FROM due))
        RETURNING %s"""
        .formatted(filter, NOT_PAUSED, limit, CLAIMED_COLUMNS);
  }

  /**
   * The row of attempt {@code alias.id}, {@code alias.attempt} if it still runs, for statements
   * that update many attempts from arrays ({@code CROSS JOIN LATERAL (...) running}). Looked up one
   * by one through the primary key: LATERAL with LIMIT keeps the planner from turning the join
   * around (see the class comment).
   */
  private static String runningAttempt(String alias) {
    return """
        SELECT id, attempt, state FROM offload_task
        WHERE id = %1$s.id AND attempt = %1$s.attempt AND lease_expires_at IS NOT NULL
        LIMIT 1"""
        .formatted(alias);
  }

  /**
   * The UPDATE's or DELETE's own match on the row found by {@link #runningAttempt}. A row that
   * another statement changed meanwhile (rescued, claimed again) is checked again in its newest
   * version, and these conditions then drop it; they compare with the lookup's row, not with
   * constants, so that the planner cannot start from them either.
   */
  private static final String SAME_RUNNING_ATTEMPT =
      "task.id = running.id AND task.attempt = running.attempt AND task.state = running.state";

  /** The columns of a final task that its callback task is made of (see callbackInsert). */
  private static final String CALLBACK_SOURCE_COLUMNS =
      "task.id, task.queue, task.priority, task.callback_url, task.finalized_at, task.traceparent";

  /**
   * Inserts the rows of CTE {@code finished}, tasks just deleted from offload_task, into the
   * history, with the {@code changed} columns (see asFinal); returns what their callback tasks are
   * made of (see callbackInsert).
   */
  private static String intoHistory(Map<String, String> changed) {
    return """
        INSERT INTO offload_task_done AS task (%s)
        SELECT %s FROM finished AS task
        RETURNING %s"""
        .formatted(COLUMNS, asFinal("task", changed), CALLBACK_SOURCE_COLUMNS);
  }

  /**
   * Ends many attempts in one statement. Arrays, one element per attempt: $1 id, $2 attempt, $3 new
   * state, $4 scheduled_at for a retry (else null), $5 result as JSON text, $6 error as a JSON
   * object text (or null). $7 now. $8 to $11: the callback tasks of the tasks made final (see
   * callbackInsert). Matching on attempt and a live lease drops a late outcome of an attempt that
   * was already ended (timed out, rescued, cancelled), so it can never overwrite a newer attempt.
   *
   * <p>A final outcome moves its task to the history; a failure with a retry left updates it in
   * place, unless its cancellation was requested: then it ends cancelled, and moves. Which of the
   * two must be decided on the newest row, so those attempts are locked first ({@code failing}): a
   * cancel request can then no longer slip in between the choice and the write. A task waiting for
   * its retry shows no progress; a final one keeps its last. Returns one row: how many attempts
   * were written, and how many callback tasks inserted, and their ids.
   */
  static final String TASK_END_ATTEMPTS =
      """
      WITH ended AS (
          SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::text[], $6::text[])
               AS ended(id, attempt, state, scheduled_at, result, error)
      ), failing AS (
          SELECT ended.id, ended.attempt, ended.scheduled_at, ended.error,
                 running.cancel_requested_at IS NOT NULL AS cancelled
          FROM ended
          CROSS JOIN LATERAL (
              SELECT cancel_requested_at FROM offload_task
              WHERE id = ended.id AND attempt = ended.attempt AND lease_expires_at IS NOT NULL
              LIMIT 1
              FOR UPDATE) running
          WHERE ended.state = 'retryable'
      ), finals AS (
          SELECT id, attempt, state, result, error FROM ended WHERE state <> 'retryable'
          UNION ALL
          SELECT id, attempt, 'cancelled', NULL, error FROM failing WHERE cancelled
      ), finished AS (
          DELETE FROM offload_task AS task
          USING finals CROSS JOIN LATERAL (%1$s) running
          WHERE %2$s
          RETURNING task.*, finals.state AS end_state, finals.result AS end_result, finals.error AS end_error
      ), moved AS (
          %3$s
      ), retried AS (
          UPDATE offload_task AS task
          SET state = 'retryable', progress = NULL, lease_expires_at = NULL,
              errors = CASE WHEN failing.error IS NULL THEN task.errors
                            ELSE task.errors || jsonb_build_array(failing.error::jsonb) END,
              scheduled_at = coalesce(failing.scheduled_at, task.scheduled_at)
          FROM failing CROSS JOIN LATERAL (%4$s) running
          WHERE NOT failing.cancelled AND %2$s
          RETURNING task.id
      ), callbacks AS (
          %5$s
      )
      SELECT ((SELECT count(*) FROM moved) + (SELECT count(*) FROM retried))::int AS written,
             (SELECT count(*) FROM callbacks)::int AS callbacks, ARRAY(SELECT id FROM callbacks) AS callback_ids"""
          .formatted(
              runningAttempt("finals"),
              SAME_RUNNING_ATTEMPT,
              intoHistory(
                  Map.of(
                      "state",
                      """
                      CASE WHEN task.end_state = 'discarded' AND task.cancel_requested_at IS NOT NULL
                           THEN 'cancelled' ELSE task.end_state END""",
                      "progress",
                      "CASE WHEN task.end_state = 'completed' THEN 1 ELSE task.progress END",
                      "result",
                      "CASE WHEN task.end_state = 'completed' THEN task.end_result::jsonb ELSE task.result END",
                      "errors",
                      """
                      CASE WHEN task.end_error IS NULL THEN task.errors
                           ELSE task.errors || jsonb_build_array(task.end_error::jsonb) END""",
                      "finalized_at",
                      "$7::timestamptz")),
              runningAttempt("failing"),
              callbackInsert("moved", "$8", "$9", "$10", "$11"));

  /**
   * Hands back tasks claimed by node $2 that it will not finish (no worker took them, or the node
   * is stopping): they are available again at once, without progress, and the attempt is not
   * counted. $1 ids.
   */
  static final String TASK_RELEASE =
      """
      UPDATE offload_task
      SET state = 'available', attempt = attempt - 1, lease_expires_at = NULL, progress = NULL
      WHERE id = ANY($1::uuid[]) AND lease_expires_at IS NOT NULL AND attempted_by = $2""";

  /**
   * $1 new lease expiry, $2 ids of the attempts node $3 is running. Returns the ids whose
   * cancellation was requested, so that a node that missed the NOTIFY still stops them.
   */
  static final String TASK_RENEW_LEASES =
      """
      UPDATE offload_task SET lease_expires_at = $1
      WHERE id = ANY($2::uuid[]) AND lease_expires_at IS NOT NULL AND attempted_by = $3
      RETURNING id, cancel_requested_at IS NOT NULL AS cancel_requested""";

  /** Arrays $1 id, $2 attempt, $3 progress: the latest progress of running attempts. */
  static final String TASK_SET_PROGRESS =
      """
      UPDATE offload_task AS task SET progress = reported.progress
      FROM unnest($1::uuid[], $2::int[], $3::float8[]) AS reported(id, attempt, progress)
      CROSS JOIN LATERAL (%s) running
      WHERE %s"""
          .formatted(runningAttempt("reported"), SAME_RUNNING_ATTEMPT);

  /** The error entry of a rescued attempt of {@code task}; $2 now as ISO-8601 text. */
  private static final String RESCUE_ERRORS =
      """
      task.errors || jsonb_build_array(jsonb_build_object(
          'at', $2::text,
          'attempt', task.attempt,
          'message', 'lease expired: node ' || coalesce(task.attempted_by, '?')
                     || ' stopped renewing it (it died or lost the database)'
                     || CASE WHEN task.cancel_requested_at IS NULL AND task.attempt >= task.max_attempts
                             THEN '; discarded after ' || task.attempt || ' attempts: the task may be killing'
                                  || ' the nodes that run it'
                             ELSE '' END))""";

  /**
   * Ends attempts whose node stopped renewing their lease (it crashed, or lost the database): each
   * counts as a failed attempt, so a task that keeps killing its node is discarded after
   * max_attempts instead of looping. $1 now, $2 now as ISO-8601 text for the error entry, $3 batch
   * size; $4 to $7: the callback tasks of the tasks made final (see callbackInsert). SKIP LOCKED:
   * several nodes rescue at once without blocking each other; the rows it takes are locked, so
   * whether each ends final (moved to the history: its cancellation was requested, or it has no
   * attempt left) or retryable (updated in place, without progress until its next attempt) is
   * decided on its newest version. The ids reach the DELETE and UPDATE as arrays, for the reason
   * given above the claim statements. Returns one row: how many attempts were rescued, how many of
   * their tasks are retryable (due now), how many callback tasks were inserted, and the ids of all
   * the tasks it changed or inserted.
   */
  static final String TASK_RESCUE_STUCK =
      """
      WITH stuck AS (
          SELECT id, cancel_requested_at IS NOT NULL OR attempt >= max_attempts AS final
          FROM offload_task
          WHERE state = 'running' AND lease_expires_at < $1
          ORDER BY lease_expires_at
          LIMIT $3
          FOR UPDATE SKIP LOCKED
      ), finished AS (
          DELETE FROM offload_task AS task
          WHERE task.id = ANY (ARRAY(SELECT id FROM stuck WHERE final))
          RETURNING task.*
      ), moved AS (
          %1$s
      ), retried AS (
          UPDATE offload_task AS task
          SET state = 'retryable', scheduled_at = $1, lease_expires_at = NULL, progress = NULL, errors = %2$s
          WHERE task.id = ANY (ARRAY(SELECT id FROM stuck WHERE NOT final))
          RETURNING task.id
      ), callbacks AS (
          %3$s
      )
      SELECT ((SELECT count(*) FROM moved) + (SELECT count(*) FROM retried))::int AS rescued,
             (SELECT count(*) FROM retried)::int AS retryable,
             (SELECT count(*) FROM callbacks)::int AS callbacks,
             ARRAY(SELECT id FROM moved UNION ALL SELECT id FROM retried UNION ALL SELECT id FROM callbacks) AS ids"""
          .formatted(
              intoHistory(
                  Map.of(
                      "state",
                      "CASE WHEN task.cancel_requested_at IS NOT NULL THEN 'cancelled' ELSE 'discarded' END",
                      "errors",
                      RESCUE_ERRORS,
                      "scheduled_at",
                      "$1",
                      "finalized_at",
                      "$1")),
              RESCUE_ERRORS,
              callbackInsert("moved", "$4", "$5", "$6", "$7"));

  /** Retention runs on one node at a time: a node that does not get this lock skips its turn. */
  static final String RETENTION_LOCK =
      "SELECT pg_try_advisory_xact_lock(hashtextextended('offload.retention', 0)) AS locked";

  /**
   * Removes tasks finalized before $1: the wholly expired history partitions, dropped whole, then
   * up to $2 tasks outside them (see offload_task_done_prune in V012). -1: the drops did not get
   * their lock at once, try again soon.
   */
  static final String TASK_PRUNE_FINISHED = "SELECT offload_task_done_prune($1, $2) AS removed";

  /**
   * Makes history partitions of $2 seconds each ahead of need, up to $1 (see
   * offload_task_done_cover in V012). Returns how many it added.
   */
  static final String TASK_COVER_HISTORY =
      "SELECT offload_task_done_cover(NULL, $1, $2 * interval '1 second') AS added";

  /** Readiness probe. */
  static final String PING = "SELECT 1";
}
