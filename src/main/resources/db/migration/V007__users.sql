-- One row per user (the seeds' get_user). Bulk export and import (CSV/NDJSON, millions of rows) are planned,
-- so the table is narrow and every page of a listing is one range scan of the primary key.
CREATE TABLE offload_user (
    -- bigint identity: 8 bytes, sequential (new rows append to the right edge of the primary key index),
    -- and the keyset cursor of GET /users is simply the last id seen: WHERE id > $cursor ORDER BY id.
    -- GENERATED ALWAYS: the database alone hands out ids; an import that must keep ids has to say so
    -- (OVERRIDING SYSTEM VALUE) and then move the sequence past them.
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Stored as given (trimmed), compared ignoring case through offload_user_email_unique below.
    -- 254 characters is the longest address SMTP can carry (RFC 5321); 3 is the shortest "a@b".
    email      text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- Both come from the application's clock, like every time in Offload, so tests can move it.
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- One user per email address whatever its case, enforced here so that concurrent requests cannot both win:
-- the loser gets SQLSTATE 23505 naming this index, which the API answers with 409 email_taken.
CREATE UNIQUE INDEX offload_user_email_unique ON offload_user (lower(email));
