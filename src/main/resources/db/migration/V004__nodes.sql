-- Every node writes its row on start and on every heartbeat; GET /admin/nodes lists the fresh ones.
-- desired_workers is written by PUT /admin/nodes/{id}/workers and applied by that node.
CREATE TABLE offload_node (
    id               text        PRIMARY KEY,
    role             text        NOT NULL CHECK (role IN ('api', 'worker', 'all')),
    started_at       timestamptz NOT NULL,
    heartbeat_at     timestamptz NOT NULL,
    workers          integer     NOT NULL CHECK (workers >= 0),
    desired_workers  integer     CHECK (desired_workers >= 0),
    running_attempts integer     NOT NULL CHECK (running_attempts >= 0)
);
