-- Up Migration

-- Where each reader of the whole log (a projection, the outbox relay) stands. A projection
-- updates its row in the same transaction as its read-model writes, so a crash never applies
-- a batch twice or skips one.
CREATE TABLE checkpoints (
  name            text        PRIMARY KEY,
  transaction_id  xid8        NOT NULL DEFAULT '0',
  global_position bigint      NOT NULL DEFAULT 0,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Readers of the log LISTEN on this channel to learn of new events without polling hard.
-- Postgres delivers the notification when the appending transaction commits.
CREATE FUNCTION ork_notify_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('ork_messages', '');
  RETURN NULL;
END $$;

CREATE TRIGGER messages_notify AFTER INSERT ON messages
  FOR EACH STATEMENT EXECUTE FUNCTION ork_notify_messages();

-- Read models live in their own schema; every row can be rebuilt from the log.
CREATE SCHEMA read;

-- One row per Trak, for lists and filters. Details come from folding the Trak's stream.
CREATE TABLE read.traks (
  trak_id         text        PRIMARY KEY,
  project_id      text        NOT NULL,
  parent_id       text,
  title           text        NOT NULL,
  flow            text        NOT NULL,
  status          text        NOT NULL,
  stage           text,
  iteration       integer,
  auto_mode       boolean     NOT NULL,
  branch          text        NOT NULL,
  base_branch     text        NOT NULL,
  pr_url          text,
  status_detail   text,
  cost_usd        double precision NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  stream_position bigint      NOT NULL
);

CREATE INDEX traks_by_project ON read.traks (project_id, updated_at DESC);
CREATE INDEX traks_by_parent ON read.traks (parent_id) WHERE parent_id IS NOT NULL;

-- Down Migration

DROP TABLE read.traks;
DROP SCHEMA read;
DROP TRIGGER messages_notify ON messages;
DROP FUNCTION ork_notify_messages();
DROP TABLE checkpoints;
