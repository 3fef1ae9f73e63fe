-- Up Migration

-- The scheduler's working state. Every row follows from the event log through the pipeline:
-- losing these tables loses no fact, and the scheduler checks a job against the Trak's current
-- state before sending it, so replaying old events never sends an old job again.
CREATE SCHEMA scheduler;

-- Jobs the pipeline asked for. Queued until the dispatcher sends them to the bus within the
-- concurrency limits; out (dispatched) until their runner reports the end or the job is called off.
CREATE TABLE scheduler.jobs (
  job_id        text        PRIMARY KEY,
  seq           bigserial   NOT NULL UNIQUE,
  trak_id       text        NOT NULL,
  project_id    text        NOT NULL,
  kind          text        NOT NULL CHECK (kind IN ('agent-run', 'gate-run', 'integration')),
  agent_kind    text,
  job           jsonb       NOT NULL,
  enqueued_at   timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz,
  runner_id     text,
  started_at    timestamptz,
  finished_at   timestamptz,
  outcome       text
);
CREATE INDEX jobs_queued ON scheduler.jobs (project_id, seq) WHERE dispatched_at IS NULL AND finished_at IS NULL;
CREATE INDEX jobs_out ON scheduler.jobs (project_id, agent_kind) WHERE dispatched_at IS NOT NULL AND finished_at IS NULL;
CREATE INDEX jobs_trak ON scheduler.jobs (trak_id) WHERE finished_at IS NULL;
CREATE INDEX jobs_finished ON scheduler.jobs (finished_at) WHERE finished_at IS NOT NULL;

-- Durable timers: retry backoff, run and gate deadlines. A deadline starts counting when its
-- job is dispatched (due_at stays null until then), so time spent queued behind a limit is not
-- charged to the run.
CREATE TABLE scheduler.timers (
  timer_id     text        PRIMARY KEY,
  trak_id      text        NOT NULL,
  kind         text        NOT NULL,
  timer        jsonb       NOT NULL,
  due_at       timestamptz,
  armed_by_job text,
  delay_ms     bigint,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (due_at IS NOT NULL OR (armed_by_job IS NOT NULL AND delay_ms IS NOT NULL))
);
CREATE INDEX timers_due ON scheduler.timers (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX timers_armed ON scheduler.timers (armed_by_job) WHERE due_at IS NULL;
CREATE INDEX timers_trak ON scheduler.timers (trak_id);

-- An agent kind whose runs wait for a provider's rate limit to reset.
CREATE TABLE scheduler.holds (
  agent_kind text        PRIMARY KEY,
  until      timestamptz NOT NULL,
  reason     text        NOT NULL
);

-- Tokens and cost of every agent run, for budgets per Trak and per project.
CREATE TABLE scheduler.usage (
  run_id     text           PRIMARY KEY,
  trak_id    text           NOT NULL,
  project_id text           NOT NULL,
  tokens     bigint         NOT NULL,
  cost_usd   numeric(14, 6) NOT NULL,
  at         timestamptz    NOT NULL
);
CREATE INDEX usage_project ON scheduler.usage (project_id);

-- Down Migration

DROP SCHEMA scheduler CASCADE;
