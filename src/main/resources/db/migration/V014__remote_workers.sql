-- Remote workers (docs/workers.md): processes in any language that register the kinds they run, long-poll a node
-- for attempts over HTTP and report how each ended.

-- 1. A third lane, for tasks of a kind that remote workers run. Nodes claim it only for the remote workers
-- waiting on them, so a backlog of remote tasks is never in the way of the local lanes' claims, nor the reverse.
ALTER TABLE offload_task DROP CONSTRAINT offload_task_lane_check;
ALTER TABLE offload_task ADD CONSTRAINT offload_task_lane_check CHECK (lane IN ('blocking', 'async', 'remote'));
-- The history takes its rows only from the live table, which checks the lane: its own check goes, with the local
-- copy each partition made of it, rather than being added again over every row it holds.
ALTER TABLE offload_task_done DROP CONSTRAINT offload_task_lane_check;
DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'offload_task_done'::regclass LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS offload_task_lane_check', part);
    END LOOP;
END
$$;

-- 2. A remote attempt: the worker holding it, and the token that each of its calls must carry. Every claim draws
-- a new token, so a call about an attempt that ended, or that was handed back and claimed again, matches no row.
-- Only live tasks have them: a task made final leaves both behind. Nullable columns: nothing is rewritten.
ALTER TABLE offload_task ADD COLUMN worker_id uuid, ADD COLUMN lease_token uuid;

-- 3. The kinds remote workers run, kept after their workers have gone, so that tasks of them are accepted (they
-- wait) while none is connected. args_schema: a JSON Schema that submissions' args must meet, or null.
CREATE TABLE offload_kind (
    kind          text        PRIMARY KEY,
    args_schema   jsonb,
    registered_at timestamptz NOT NULL
);

-- 4. Registered remote workers: live while last_seen_at is recent (each node serving a worker moves it along).
CREATE TABLE offload_worker (
    id            uuid        PRIMARY KEY,
    name          text        NOT NULL,
    kinds         text[]      NOT NULL,
    queues        text[]      NOT NULL,
    concurrency   integer     NOT NULL CHECK (concurrency BETWEEN 1 AND 1000),
    node          text        NOT NULL,
    registered_at timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL
);
CREATE INDEX offload_worker_last_seen ON offload_worker (last_seen_at);
