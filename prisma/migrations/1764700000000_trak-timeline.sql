-- Up Migration

-- A Trak's history of work, kept by TimelineProjection from the Trak's events: the iterations of
-- its stages with why each began and how it ended, the agent runs and the gate runs. `position` is
-- the place in the Trak's stream of the event that began a row: the order to show them in.
-- Rows are keyed by their Trak (ids of runs are unique only within one), so a page of Traks reads
-- each table with one index scan on trak_id.
CREATE TABLE read.trak_iterations (
  trak_id        text        NOT NULL,
  stage          text        NOT NULL,
  iteration      integer     NOT NULL,
  position       bigint      NOT NULL,
  trigger        jsonb,
  attempts       integer     NOT NULL,
  started_at     timestamptz NOT NULL,
  ended_at       timestamptz,
  outcome        text        CHECK (outcome IN ('approved', 'rejected', 'rejection_confirmed', 'answered', 'gate_failed', 'malformed',
                                                'agent_error', 'failed', 'blocked', 'skipped', 'interrupted', 'cancelled', 'retried',
                                                'restarted', 'redirected')),
  outcome_detail text,
  artifact       text,
  PRIMARY KEY (trak_id, stage, iteration),
  CHECK ((ended_at IS NULL) = (outcome IS NULL))
);

CREATE TABLE read.agent_runs (
  trak_id         text        NOT NULL,
  run_id          text        NOT NULL,
  stage           text        NOT NULL,
  iteration       integer     NOT NULL,
  position        bigint      NOT NULL,
  agent           text        NOT NULL,
  model           text,
  requested_at    timestamptz NOT NULL,
  runner_id       text,
  started_at      timestamptz,
  session_id      text,
  ended_at        timestamptz,
  status          text        NOT NULL CHECK (status IN ('requested', 'running', 'completed', 'failed', 'stopped')),
  failure_reason  text,
  failure_message text,
  input_tokens    integer,
  output_tokens   integer,
  cost_usd        double precision,
  output_type     text,
  PRIMARY KEY (trak_id, run_id)
);

CREATE TABLE read.gate_runs (
  trak_id      text        NOT NULL,
  gate_run_id  text        NOT NULL,
  stage        text        NOT NULL,
  iteration    integer     NOT NULL,
  position     bigint      NOT NULL,
  command      text,
  requested_at timestamptz NOT NULL,
  ended_at     timestamptz,
  status       text        NOT NULL CHECK (status IN ('running', 'passed', 'failed', 'stopped')),
  passed       boolean,
  exit_code    integer,
  timed_out    boolean,
  output       text,
  PRIMARY KEY (trak_id, gate_run_id)
);

-- Down Migration

DROP TABLE read.gate_runs;
DROP TABLE read.agent_runs;
DROP TABLE read.trak_iterations;
