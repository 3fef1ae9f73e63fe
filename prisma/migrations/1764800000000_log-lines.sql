-- Up Migration

-- Agent and gate output lines, kept from ORK_LOGS (where they live three days) by the api, so a
-- Trak's logs stay readable after the stream has dropped them. Not derived from the event log:
-- the output of a run is not a fact of the Trak, only a record of it. `stream_seq` is the line's
-- sequence on ORK_LOGS, the cursor clients page and subscribe with.
CREATE TABLE read.log_lines (
  job_id      text        NOT NULL,
  attempt     integer     NOT NULL,
  seq         integer     NOT NULL,
  stream_seq  bigint      NOT NULL,
  trak_id     text        NOT NULL,
  job_kind    text        NOT NULL CHECK (job_kind IN ('agent-run', 'gate-run', 'integration')),
  stage_index integer,
  iteration   integer,
  kind        text        NOT NULL,
  at          timestamptz NOT NULL,
  line        jsonb       NOT NULL,
  PRIMARY KEY (job_id, attempt, seq)
);

CREATE INDEX log_lines_by_trak ON read.log_lines (trak_id, stream_seq);

-- Down Migration

DROP TABLE read.log_lines;
