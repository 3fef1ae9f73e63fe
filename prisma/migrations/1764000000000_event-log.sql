-- Up Migration

-- One row per stream: its current position, checked on every append (optimistic concurrency).
CREATE TABLE streams (
  stream_id       text        PRIMARY KEY,
  stream_position bigint      NOT NULL CHECK (stream_position > 0),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The event log, the only source of truth. Readers of the whole log go by
-- (transaction_id, global_position) below the oldest running transaction, so an event whose
-- transaction commits late is never skipped.
CREATE TABLE messages (
  global_position bigserial   PRIMARY KEY,
  stream_id       text        NOT NULL,
  stream_position bigint      NOT NULL,
  message_id      uuid        NOT NULL UNIQUE,
  type            text        NOT NULL,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
  schema_version  integer     NOT NULL DEFAULT 1,
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, stream_position)
);

CREATE INDEX messages_log_order ON messages (transaction_id, global_position);

-- Down Migration

DROP TABLE messages;
DROP TABLE streams;
