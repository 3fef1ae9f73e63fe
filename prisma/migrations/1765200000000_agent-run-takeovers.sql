-- Up Migration

-- The runner an agent run was taken over from, when the runner that had it stopped (killed,
-- restarted, drained or lost) and another runner, or the same one in a new life, carried it on
-- (AgentRunStarted.takesOverFrom); the last such runner when it happened more than once.
ALTER TABLE read.agent_runs ADD COLUMN taken_over_from text;

-- Down Migration

ALTER TABLE read.agent_runs DROP COLUMN taken_over_from;
