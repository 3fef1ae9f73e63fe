-- Up Migration

-- Webhooks: notices about a project's Traks, posted to the project's webhook URL. The log reader
-- that finds them (checkpoint `notify.webhooks`) is not a read model: its rows record what was
-- sent, so nothing empties or replays them, and a notice is recorded once per event and kind.
CREATE SCHEMA notify;

-- One row per notice to post, written in the same transaction as the reader's checkpoint.
-- Delivery workers (any api instance) claim due rows with a lease, count the attempt, post,
-- and record the outcome; a failed attempt is tried again later, up to a limit.
CREATE TABLE notify.webhook_deliveries (
  delivery_id      uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id       text        NOT NULL,
  trak_id          text        NOT NULL,
  event_id         uuid        NOT NULL,
  kind             text        NOT NULL,
  payload          jsonb       NOT NULL,
  url              text        NOT NULL,
  status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  -- A worker posting it holds it until then; past it, another worker may take it over.
  leased_until     timestamptz,
  last_http_status integer,
  last_error       text,
  delivered_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT webhook_deliveries_once UNIQUE (event_id, kind)
);

CREATE INDEX webhook_deliveries_due ON notify.webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_project ON notify.webhook_deliveries (project_id, created_at DESC);

-- Each project's webhook URL as the reader has followed it, up to its checkpoint.
CREATE TABLE notify.webhook_targets (
  project_id text        PRIMARY KEY,
  url        text        NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The key each project's deliveries are signed with (HMAC-SHA256). It never enters the event
-- log: the log is read by every service and kept for ever.
CREATE TABLE notify.webhook_secrets (
  project_id text        PRIMARY KEY,
  secret     text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Events up to the log's end when this migration ran are older than webhooks: the reader folds
-- them (to learn each project's URL) but announces none of them.
CREATE TABLE notify.log_horizon (
  id              boolean PRIMARY KEY DEFAULT true CHECK (id),
  global_position bigint  NOT NULL
);

INSERT INTO notify.log_horizon (global_position) SELECT coalesce(max(global_position), 0) FROM messages;

-- Down Migration

DELETE FROM checkpoints WHERE name = 'notify.webhooks';
DROP SCHEMA notify CASCADE;
