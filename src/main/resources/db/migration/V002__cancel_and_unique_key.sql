-- Cancellation is stored, so it survives restarts and reaches whichever node runs the task.
ALTER TABLE offload_task ADD COLUMN cancel_requested_at timestamptz;

-- Idempotent submission: at most one task per key, enforced here, also under concurrent requests.
ALTER TABLE offload_task ADD COLUMN unique_key text CHECK (length(unique_key) BETWEEN 1 AND 255);
CREATE UNIQUE INDEX offload_task_unique_key ON offload_task (unique_key) WHERE unique_key IS NOT NULL;
