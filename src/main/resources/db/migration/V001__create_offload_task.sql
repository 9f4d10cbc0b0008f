-- One row per task. The state machine is documented in docs/task-lifecycle.md; its invariants live here.
CREATE TABLE offload_task (
    id               uuid PRIMARY KEY,               -- UUIDv7: time-ordered, so "newest first" is id DESC
    kind             text        NOT NULL CHECK (length(kind) BETWEEN 1 AND 128),
    queue            text        NOT NULL CHECK (length(queue) BETWEEN 1 AND 128),
    state            text        NOT NULL CHECK (state IN ('available', 'scheduled', 'running', 'retryable',
                                                           'completed', 'cancelled', 'discarded')),
    args             jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(args) = 'object'),
    priority         integer     NOT NULL CHECK (priority BETWEEN 0 AND 9),
    attempt          integer     NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts     integer     NOT NULL CHECK (max_attempts >= 1),
    timeout_ms       bigint      NOT NULL CHECK (timeout_ms > 0),
    progress         double precision CHECK (progress BETWEEN 0 AND 1),
    result           jsonb,
    errors           jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(errors) = 'array'),
    attempted_by     text,
    created_at       timestamptz NOT NULL,
    scheduled_at     timestamptz NOT NULL,
    attempted_at     timestamptz,
    finalized_at     timestamptz,
    lease_expires_at timestamptz,
    CONSTRAINT offload_task_finalized_iff_final
        CHECK ((state IN ('completed', 'cancelled', 'discarded')) = (finalized_at IS NOT NULL)),
    CONSTRAINT offload_task_leased_iff_running
        CHECK ((state = 'running') = (lease_expires_at IS NOT NULL))
);

-- The claim reads this index in claim order and skips future rows; finished rows never enter it.
CREATE INDEX offload_task_due ON offload_task (priority, scheduled_at, id)
    WHERE state IN ('available', 'scheduled', 'retryable');

-- The rescuer looks for running attempts whose lease has expired.
CREATE INDEX offload_task_lease ON offload_task (lease_expires_at) WHERE state = 'running';
