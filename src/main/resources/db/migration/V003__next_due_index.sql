-- Dispatchers ask for the earliest future start time, to wake exactly then instead of at the next poll.
CREATE INDEX offload_task_next_due ON offload_task (scheduled_at) WHERE state IN ('scheduled', 'retryable');
