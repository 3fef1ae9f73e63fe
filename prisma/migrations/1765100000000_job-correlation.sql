-- Up Migration

-- The correlation id of the input that queued a job or stored a timer (the conversation a
-- person's command started): sent with the job so the runner's logs and results carry it, and
-- given to the commands a timer causes when it fires. Null for rows from before this column;
-- their job or timer id stands in.
ALTER TABLE scheduler.jobs ADD COLUMN correlation_id text;
ALTER TABLE scheduler.timers ADD COLUMN correlation_id text;

-- Down Migration

ALTER TABLE scheduler.timers DROP COLUMN correlation_id;
ALTER TABLE scheduler.jobs DROP COLUMN correlation_id;
