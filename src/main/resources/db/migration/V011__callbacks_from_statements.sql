-- A task's callback task is now inserted by the statements that make a task final (TaskSql: TASK_END_ATTEMPTS,
-- TASK_RESCUE_STUCK, TASK_CANCEL), in the same statement, with its kind, attempts, timeout and lane bound from
-- one Java class (dev.offload.task.Callbacks); the store wakes the dispatchers after the commit. The trigger
-- kept its own copy of those values and notified inside every finalizing transaction: it goes.
-- offload_uuid_v7 stays: those statements give callback tasks their ids with it.
DROP TRIGGER offload_task_callback ON offload_task;
DROP FUNCTION offload_task_callback();
