-- A task may name a URL that hears about it once it is final. The callback is a task of its own, inserted
-- by this trigger in the same transaction that finalizes the task, whichever path finalizes it (completion,
-- discard, rescue, cancel): durable, and retried like any task.
ALTER TABLE offload_task ADD COLUMN callback_url text CHECK (length(callback_url) BETWEEN 1 AND 2048);

-- A UUIDv7 for rows created in SQL (application rows get theirs from TaskIds): 48 bits of milliseconds,
-- version 7, the RFC 9562 variant, random bits.
CREATE FUNCTION offload_uuid_v7(at timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
    SELECT (lpad(to_hex(floor(extract(epoch FROM at) * 1000)::bigint), 12, '0') || '7'
            || substr(r, 1, 3) || substr('89ab', 1 + floor(random() * 4)::int, 1) || substr(r, 4, 15))::uuid
    FROM (SELECT md5(random()::text || clock_timestamp()::text) AS r) AS random_hex
$$;

CREATE FUNCTION offload_task_callback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Qualified with the table's schema: the trigger must not depend on the session's search_path.
    EXECUTE format(
        'INSERT INTO %1$I.offload_task (id, kind, queue, state, args, priority, max_attempts, timeout_ms,'
        || ' created_at, scheduled_at)'
        || ' VALUES (%1$I.offload_uuid_v7($1), ''callback'', $2, ''available'', $3, $4, 10, 30000, $1, $1)',
        TG_TABLE_SCHEMA)
    USING NEW.finalized_at, NEW.queue, jsonb_build_object('url', NEW.callback_url, 'task_id', NEW.id),
          NEW.priority;
    PERFORM pg_notify('offload_task_' || TG_TABLE_SCHEMA, 'now');
    RETURN NULL;
END
$$;

CREATE TRIGGER offload_task_callback
    AFTER UPDATE OF state ON offload_task
    FOR EACH ROW
    WHEN (NEW.callback_url IS NOT NULL AND NEW.finalized_at IS NOT NULL AND OLD.finalized_at IS NULL)
    EXECUTE FUNCTION offload_task_callback();
