-- Storage for throughput and wear (docs/storage.md has the design and the measurements behind it).
--
-- offload_task keeps only the tasks that still wait or run: a small, hot table whose indexes stay small.
-- A task that becomes final moves, in the statement that makes it final, to offload_task_done: append-only
-- history, range-partitioned by finalized_at, so that retention drops whole partitions instead of deleting
-- rows one by one. Unique keys live in offload_task_key, the one arbiter over both tables.
--
-- An upgraded database keeps its finished tasks where they are: the old table becomes the history partition
-- offload_task_done_legacy, holding everything finalized before the upgrade, and only its waiting and running
-- rows are copied out. Retention deletes from it in batches, as before, until it is empty.

-- 1. The old table becomes history.
ALTER TABLE offload_task RENAME TO offload_task_done_legacy;
ALTER INDEX offload_task_pkey RENAME TO offload_task_done_legacy_pkey;
ALTER INDEX offload_task_finalized RENAME TO offload_task_done_legacy_finalized;
ALTER TABLE offload_file DROP CONSTRAINT offload_file_task_id_fkey;

-- 2. The live table: same columns, same checks; only waiting and running tasks. Progress and lease updates
-- rewrite a row in place when its page has room (HOT), hence the free space left on each page.
CREATE TABLE offload_task (LIKE offload_task_done_legacy INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    WITH (fillfactor = 80);
ALTER TABLE offload_task ADD PRIMARY KEY (id);
ALTER TABLE offload_task ADD CONSTRAINT offload_task_live CHECK (finalized_at IS NULL);

INSERT INTO offload_task
SELECT * FROM offload_task_done_legacy WHERE state IN ('available', 'scheduled', 'running', 'retryable');
DELETE FROM offload_task_done_legacy WHERE state IN ('available', 'scheduled', 'running', 'retryable');

-- The legacy table's indexes for waiting and running tasks are empty now; the new table gets them.
DROP INDEX offload_task_due;
DROP INDEX offload_task_due_in_queue;
DROP INDEX offload_task_next_due;
DROP INDEX offload_task_lease;
CREATE INDEX offload_task_due ON offload_task (lane, priority, scheduled_at, id)
    WHERE state IN ('available', 'scheduled', 'retryable');
CREATE INDEX offload_task_due_in_queue ON offload_task (queue, priority, scheduled_at, id)
    WHERE state IN ('available', 'scheduled', 'retryable');
CREATE INDEX offload_task_next_due ON offload_task (scheduled_at) WHERE state IN ('scheduled', 'retryable');
CREATE INDEX offload_task_lease ON offload_task (lease_expires_at) WHERE state = 'running';

-- 3. Unique keys: one row per key taken, by a live or a finished task, until that task is deleted.
CREATE TABLE offload_task_key (
    unique_key text PRIMARY KEY,
    task_id    uuid NOT NULL
);
INSERT INTO offload_task_key (unique_key, task_id)
SELECT unique_key, id FROM offload_task WHERE unique_key IS NOT NULL
UNION ALL
SELECT unique_key, id FROM offload_task_done_legacy WHERE unique_key IS NOT NULL;
DROP INDEX offload_task_unique_key;

-- 4. History: partitioned by finalized_at. Partitions of one aligned width each (offload_task_done_<start>,
-- UTC) are made ahead of time by offload_task_done_cover and dropped whole once expired; rows outside them
-- land in the default partition, which retention prunes row by row (before the first partitions, or with a
-- clock far from them).
CREATE TABLE offload_task_done (LIKE offload_task_done_legacy INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY RANGE (finalized_at);
ALTER TABLE offload_task_done ADD CONSTRAINT offload_task_done_final CHECK (finalized_at IS NOT NULL);
CREATE INDEX offload_task_done_id ON offload_task_done (id);
CREATE TABLE offload_task_done_default PARTITION OF offload_task_done DEFAULT;
CREATE INDEX offload_task_done_default_finalized ON offload_task_done_default (finalized_at);

-- The legacy table joins the history, covering everything finalized up to now, or is dropped when empty.
DO $$
DECLARE
    upper_bound timestamptz;
BEGIN
    IF NOT EXISTS (SELECT FROM offload_task_done_legacy) THEN
        DROP TABLE offload_task_done_legacy;
        RETURN;
    END IF;
    SELECT greatest(now(), max(finalized_at) + interval '1 microsecond') INTO upper_bound
    FROM offload_task_done_legacy;
    ALTER TABLE offload_task_done_legacy ADD CONSTRAINT offload_task_done_final CHECK (finalized_at IS NOT NULL);
    EXECUTE format('ALTER TABLE offload_task_done ATTACH PARTITION offload_task_done_legacy'
                   || ' FOR VALUES FROM (MINVALUE) TO (%L)', upper_bound);
END
$$;

-- The history partitions but the default one, oldest first, with their bounds: the aligned ones, and the
-- legacy one from (MINVALUE) if there is one. Bounds are read back from the catalog in UTC, the zone they
-- were written in.
CREATE FUNCTION offload_task_done_partitions()
    RETURNS TABLE (name text, from_at timestamptz, to_at timestamptz)
    LANGUAGE sql STABLE SET timezone = 'UTC' AS $$
    SELECT part.relname::text,
           CASE WHEN bound[1] = 'MINVALUE' THEN '-infinity' ELSE btrim(bound[1], '''') END::timestamptz,
           btrim(bound[2], '''')::timestamptz
    FROM pg_inherits
    JOIN pg_class AS part ON part.oid = pg_inherits.inhrelid
    CROSS JOIN LATERAL regexp_match(pg_get_expr(part.relpartbound, part.oid),
                                    '^FOR VALUES FROM \((MINVALUE|''[^'']+'')\) TO \((''[^'']+'')\)$') AS bound
    WHERE pg_inherits.inhparent = 'offload_task_done'::regclass AND bound IS NOT NULL
    ORDER BY 2
$$;

-- The schema of the history (the session's search path finds it), for the statements these functions build.
CREATE FUNCTION offload_task_done_schema() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT nspname::text FROM pg_class JOIN pg_namespace ON pg_namespace.oid = pg_class.relnamespace
    WHERE pg_class.oid = 'offload_task_done'::regclass
$$;

-- The partition boundary at or before t, for partitions of the given width (aligned on the Unix epoch, so a
-- day's partition starts at midnight UTC).
CREATE FUNCTION offload_task_done_align(t timestamptz, width interval) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE AS $$
    SELECT to_timestamp(floor(extract(epoch FROM t) / extract(epoch FROM width)) * extract(epoch FROM width))
$$;

-- Adds the partition [from_at, to_at), empty: callers make partitions only where the default partition has no
-- rows. Rows are never moved between partitions: a statement planned while a partition is being attached keeps
-- the partitions it saw when it was planned, so it would miss rows moved into the new one (PostgreSQL attaches
-- without blocking readers of the parent).
CREATE FUNCTION offload_task_done_add(from_at timestamptz, to_at timestamptz) RETURNS void
    LANGUAGE plpgsql SET timezone = 'UTC' AS $$
DECLARE
    schema text := offload_task_done_schema();
    part text := 'offload_task_done_' || to_char(from_at, 'YYYYMMDD"t"HH24MISS');
BEGIN
    EXECUTE format('CREATE TABLE %I.%I (LIKE %I.offload_task_done INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                   schema, part, schema);
    -- The check matches the bounds, so attaching does not scan the new partition.
    EXECUTE format('ALTER TABLE %I.%I ADD CONSTRAINT %I CHECK (finalized_at >= %L AND finalized_at < %L)',
                   schema, part, part || '_bounds', from_at, to_at);
    EXECUTE format('ALTER TABLE %I.offload_task_done ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)',
                   schema, schema, part, from_at, to_at);
END
$$;

-- Makes sure aligned partitions of the given width cover [from_at, to_at): contiguous with the existing ones,
-- extending them forward and, when from_at is given, backward. Never over rows of the default partition: the
-- partitions then start above its newest row (forward), or stop below its oldest (backward), and those rows
-- stay where they are, pruned row by row.
--
-- With from_at null (what the nodes do, two widths ahead), only forward, and never from before the next
-- boundary after to_at - 2 widths: a partition a node makes lies in the future, so no task has been finalized
-- in its range yet. After a gap (a clock moved, every node stopped for a while) the new partitions start there
-- too, and the rows in between stay in the default partition. Returns how many partitions it added.
--
-- Attaching takes a short exclusive lock on the default partition: rather than queue the statements that read
-- the history behind it, it gives up after a moment (SQLSTATE 55P03), and the caller tries again later.
CREATE FUNCTION offload_task_done_cover(from_at timestamptz, to_at timestamptz, width interval) RETURNS integer
    LANGUAGE plpgsql SET timezone = 'UTC' SET lock_timeout = '200ms' AS $$
DECLARE
    first_at timestamptz;
    last_at timestamptz;
    next_at timestamptz;
    newest_default timestamptz;
    added integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('offload.partitions.' || offload_task_done_schema(), 0));
    SELECT min(p.from_at), max(p.to_at) INTO first_at, last_at FROM offload_task_done_partitions() AS p;
    IF last_at IS NULL OR (from_at IS NULL AND last_at < to_at - 2 * width) THEN
        last_at := CASE WHEN from_at IS NULL
                        THEN offload_task_done_align(to_at - 2 * width, width) + width
                        ELSE offload_task_done_align(from_at, width) END;
        first_at := last_at;
    END IF;
    SELECT max(finalized_at) INTO newest_default FROM offload_task_done_default WHERE finalized_at >= last_at;
    IF newest_default IS NOT NULL THEN
        last_at := offload_task_done_align(newest_default, width) + width;
    END IF;
    WHILE last_at < to_at LOOP
        next_at := offload_task_done_align(last_at, width) + width;
        PERFORM offload_task_done_add(last_at, next_at);
        last_at := next_at;
        added := added + 1;
    END LOOP;
    WHILE from_at IS NOT NULL AND first_at > from_at LOOP
        next_at := offload_task_done_align(first_at - interval '1 microsecond', width);
        EXIT WHEN EXISTS (SELECT FROM offload_task_done_default
                          WHERE finalized_at >= next_at AND finalized_at < first_at);
        PERFORM offload_task_done_add(next_at, first_at);
        first_at := next_at;
        added := added + 1;
    END LOOP;
    RETURN added;
END
$$;

-- Retention: removes tasks finalized before cutoff, with their unique keys and files. Drops the oldest
-- partitions that have wholly expired, four at most, then deletes up to batch rows of the default and legacy
-- partitions, oldest first. Returns how many tasks it removed (call again while that is above 0), or -1 when
-- the drops could not get their lock at once.
--
-- Dropping partitions takes an exclusive lock on offload_task_done. Everything slow (counting, deleting keys
-- and files) is done before, a few partitions at a time keep it short, and the lock is only waited for
-- briefly: a waiting exclusive lock stalls every statement queued behind it. Statements on the history hold
-- theirs for milliseconds, so the caller tries again soon.
CREATE FUNCTION offload_task_done_prune(cutoff timestamptz, batch integer) RETURNS integer
    LANGUAGE plpgsql SET timezone = 'UTC' AS $$
DECLARE
    schema text := offload_task_done_schema();
    expired text[];
    part text;
    counted integer;
    removed integer := 0;
    source text;
BEGIN
    SELECT array_agg(name ORDER BY from_at) INTO expired
    FROM (SELECT p.name, p.from_at FROM offload_task_done_partitions() AS p
          WHERE p.to_at <= cutoff ORDER BY p.from_at LIMIT 4) AS oldest;
    IF expired IS NOT NULL THEN
        FOREACH part IN ARRAY expired LOOP
            EXECUTE format('DELETE FROM %I.offload_task_key AS k USING %I.%I AS t'
                           || ' WHERE t.unique_key IS NOT NULL AND k.unique_key = t.unique_key AND k.task_id = t.id',
                           schema, schema, part);
            EXECUTE format('DELETE FROM %I.offload_file AS f USING %I.%I AS t WHERE f.task_id = t.id',
                           schema, schema, part);
            EXECUTE format('SELECT count(*) FROM %I.%I', schema, part) INTO counted;
            removed := removed + counted;
        END LOOP;
        BEGIN
            PERFORM set_config('lock_timeout', '20ms', true);
            EXECUTE format('LOCK TABLE ONLY %I.offload_task_done IN ACCESS EXCLUSIVE MODE', schema);
            FOREACH part IN ARRAY expired LOOP
                EXECUTE format('DROP TABLE %I.%I', schema, part);
            END LOOP;
            PERFORM set_config('lock_timeout', '0', true);
        EXCEPTION WHEN lock_not_available THEN
            RETURN -1;
        END;
    END IF;
    FOREACH source IN ARRAY ARRAY['offload_task_done_default', 'offload_task_done_legacy'] LOOP
        CONTINUE WHEN to_regclass(format('%I.%I', schema, source)) IS NULL;
        EXECUTE format(
            'WITH gone AS ('
            || '  DELETE FROM %1$I.%2$I WHERE id IN ('
            || '    SELECT id FROM %1$I.%2$I WHERE finalized_at < $1 ORDER BY finalized_at LIMIT $2'
            || '    FOR UPDATE SKIP LOCKED)'
            || '  RETURNING id, unique_key'
            || '), keys AS ('
            || '  DELETE FROM %1$I.offload_task_key AS k USING gone'
            || '  WHERE gone.unique_key IS NOT NULL AND k.unique_key = gone.unique_key AND k.task_id = gone.id'
            || '), files AS ('
            || '  DELETE FROM %1$I.offload_file AS f USING gone WHERE f.task_id = gone.id'
            || ') SELECT count(*) FROM gone', schema, source)
            INTO counted USING cutoff, batch;
        IF counted > 0 THEN
            RETURN removed + counted;
        END IF;
    END LOOP;
    RETURN removed;
END
$$;

-- Every task, live and final, for operators' queries (retention's cutoff not applied: see the reads in
-- TaskSql for what the API shows).
CREATE VIEW offload_task_all AS
SELECT * FROM offload_task
UNION ALL
SELECT * FROM offload_task_done;
