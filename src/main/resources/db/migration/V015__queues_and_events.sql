-- Issue 13: paused queues, the history read by time (event replay, final-state counts) and the throughput
-- series of the dashboard (docs/api.md, "Queues", "Events" and "Stats").

-- A queue's pause, durable and seen by every node: the claim statements skip the queues paused here (see
-- TaskSql's claim statements). A queue without a row is active; resuming keeps the row, paused false.
CREATE TABLE offload_queue (
    name       text PRIMARY KEY,
    paused     boolean NOT NULL,
    changed_at timestamptz NOT NULL
);

-- The history by finalized_at: the tasks that became final since a time (an event stream's reconnect, the
-- counts of final states). Rows are appended in nearly the order of finalized_at, so a block range index is
-- exact enough and costs almost nothing to keep; autosummarize has autovacuum summarize each range once full,
-- and the ranges not yet summarized (the newest) are always read. Each partition gets its own, those made
-- later too (attaching a partition builds the indexes of the parent).
CREATE INDEX offload_task_done_finalized_brin ON offload_task_done USING brin (finalized_at)
    WITH (autosummarize = on);

-- Throughput and enqueue-to-start latency of each node, per 10-second step: the node adds up what it did in
-- memory and writes its current steps every few seconds (an upsert of its own rows). GET /stats/series sums the
-- nodes' rows of the last minutes. start_latency holds the counts of a histogram of attempt start latencies
-- (dev.offload.metrics.LatencyHistogram gives the bucket bounds).
CREATE TABLE offload_stats_step (
    at            timestamptz NOT NULL,
    node_id       text NOT NULL,
    submitted     bigint NOT NULL,
    completed     bigint NOT NULL,
    failed        bigint NOT NULL,
    start_latency bigint[] NOT NULL,
    PRIMARY KEY (at, node_id)
);
