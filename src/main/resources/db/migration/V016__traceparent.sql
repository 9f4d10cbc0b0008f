-- Tracing (docs/operations.md#tracing): each task keeps the W3C trace context of the request that submitted it, so
-- that the spans of its attempts, on whichever node runs them, join the submission's trace. Null when the
-- submission carried none and its node did not trace.
--
-- Both tables get it, since tasks move between them (see V012); the view over both is remade to show it. The
-- column is nullable and has no default, so adding it rewrites no row. The checks (the traceparent header of
-- version 00, which also bounds its length) are NOT VALID: every existing row is null, and validating would read
-- the whole history under an exclusive lock. New rows are checked all the same, and partitions made from now on
-- (offload_task_done_add copies the constraints) carry the check as valid.
ALTER TABLE offload_task ADD COLUMN traceparent text;
ALTER TABLE offload_task ADD CONSTRAINT offload_task_traceparent
    CHECK (traceparent ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$') NOT VALID;

ALTER TABLE offload_task_done ADD COLUMN traceparent text;
ALTER TABLE offload_task_done ADD CONSTRAINT offload_task_done_traceparent
    CHECK (traceparent ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$') NOT VALID;

CREATE OR REPLACE VIEW offload_task_all AS
SELECT * FROM offload_task
UNION ALL
SELECT * FROM offload_task_done;
