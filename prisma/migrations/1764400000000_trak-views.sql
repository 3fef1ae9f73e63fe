-- Up Migration

-- read.traks serves the api's lists: each row now holds the Trak's whole state as the domain folds
-- it (so a page of Traks is one query), why it waits for a person (for the "needs a human" filter),
-- and its description (for search). The rows are rebuilt from the log: the checkpoint goes back to
-- the start and the projection refills the table on its next run.
ALTER TABLE read.traks
  ADD COLUMN description text  NOT NULL DEFAULT '',
  ADD COLUMN attention   text,
  ADD COLUMN state       jsonb NOT NULL DEFAULT '{}'::jsonb;

CREATE INDEX traks_page ON read.traks (project_id, created_at DESC, trak_id DESC);
CREATE INDEX traks_needing_people ON read.traks (project_id) WHERE attention IS NOT NULL;

TRUNCATE read.traks;
DELETE FROM checkpoints WHERE name = 'read.traks';

-- Down Migration

DROP INDEX read.traks_needing_people;
DROP INDEX read.traks_page;
ALTER TABLE read.traks DROP COLUMN state, DROP COLUMN attention, DROP COLUMN description;
