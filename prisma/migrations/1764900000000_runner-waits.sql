-- Up Migration

-- When the scheduler told a queued job's Trak that no live runner has the labels the job needs
-- (RecordNoRunner): the Trak is told once per wait, and told again when a runner that can take
-- the job registers and the job goes out (RecordRunnerFound).
ALTER TABLE scheduler.jobs ADD COLUMN runner_wait_at timestamptz;

-- Down Migration

ALTER TABLE scheduler.jobs DROP COLUMN runner_wait_at;
