-- Idempotency as Stripe defines it: a unique key reused with a different request is a conflict, not a silent
-- return of the first task. Each key keeps the fingerprint of the request that took it (a SHA-256 of the
-- submission in a canonical JSON form, hex; see dev.offload.submit.RequestFingerprint). Keys taken before this
-- migration have none, and match any request, as they did. Adding a nullable column rewrites nothing.
ALTER TABLE offload_task_key ADD COLUMN request_hash text;
