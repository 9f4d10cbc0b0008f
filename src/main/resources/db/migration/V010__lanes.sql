-- Whether a task's handler blocks (it runs on a worker verticle) or not (on an event loop), set at
-- submission. A node claims each lane for its own kind of free capacity; with the lane leading the claim
-- index, each claim is a range scan of its own lane and never wades through the other lane's backlog.
ALTER TABLE offload_task ADD COLUMN lane text NOT NULL DEFAULT 'blocking' CHECK (lane IN ('blocking', 'async'));
UPDATE offload_task SET lane = 'async'
WHERE finalized_at IS NULL AND kind IN ('noop', 'http', 'callback', 'users.export', 'users.import', 'image.thumbnail');

DROP INDEX offload_task_due;
CREATE INDEX offload_task_due ON offload_task (lane, priority, scheduled_at, id)
    WHERE state IN ('available', 'scheduled', 'retryable');

-- Callbacks are asynchronous: the trigger puts them in that lane.
CREATE OR REPLACE FUNCTION offload_task_callback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'INSERT INTO %1$I.offload_task (id, kind, queue, state, args, priority, max_attempts, timeout_ms,'
        || ' created_at, scheduled_at, lane)'
        || ' VALUES (%1$I.offload_uuid_v7($1), ''callback'', $2, ''available'', $3, $4, 10, 30000, $1, $1,'
        || ' ''async'')',
        TG_TABLE_SCHEMA)
    USING NEW.finalized_at, NEW.queue, jsonb_build_object('url', NEW.callback_url, 'task_id', NEW.id),
          NEW.priority;
    PERFORM pg_notify('offload_task_' || TG_TABLE_SCHEMA, 'now');
    RETURN NULL;
END
$$;
