-- Retention prunes finished tasks oldest first, in batches.
CREATE INDEX offload_task_finalized ON offload_task (finalized_at) WHERE finalized_at IS NOT NULL;
