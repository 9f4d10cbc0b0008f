-- Claims limited to one queue (queues with a concurrency limit) read this index in claim order.
CREATE INDEX offload_task_due_in_queue ON offload_task (queue, priority, scheduled_at, id)
    WHERE state IN ('available', 'scheduled', 'retryable');
