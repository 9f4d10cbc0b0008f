-- Files of tasks: what an import reads, what an export or a thumbnail produces. They live in the database
-- so that any node can run the task and any node can serve the result, and they go with their task.
CREATE TABLE offload_file (
    id           uuid        PRIMARY KEY,
    -- Null while an upload is still arriving; attached to its task when the task is created.
    task_id      uuid        REFERENCES offload_task (id) ON DELETE CASCADE,
    role         text        NOT NULL CHECK (role IN ('input', 'result')),
    content_type text        NOT NULL CHECK (length(content_type) BETWEEN 1 AND 255),
    size         bigint      CHECK (size >= 0),   -- set when complete
    created_at   timestamptz NOT NULL
);
CREATE UNIQUE INDEX offload_file_task_role ON offload_file (task_id, role);
-- Retention removes uploads that never got their task.
CREATE INDEX offload_file_orphans ON offload_file (created_at) WHERE task_id IS NULL;

-- The bytes, in chunks of about 1 MiB written and read one at a time: memory stays flat for any size.
CREATE TABLE offload_file_chunk (
    file_id uuid    NOT NULL REFERENCES offload_file (id) ON DELETE CASCADE,
    seq     integer NOT NULL CHECK (seq >= 0),
    data    bytea   NOT NULL,
    PRIMARY KEY (file_id, seq)
);
