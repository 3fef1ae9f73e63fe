-- Up Migration

-- One row per project, folded by the Project decider's own evolve. The record's columns, its
-- settings as one document (integration, limits, budget, webhook, setup script), its status.
CREATE TABLE read.projects (
  project_id      text        PRIMARY KEY,
  name            text        NOT NULL,
  remote          text        NOT NULL,
  base_branch     text        NOT NULL,
  default_flow    text,
  settings        jsonb       NOT NULL,
  status          text        NOT NULL CHECK (status IN ('Active', 'Archived')),
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  stream_position bigint      NOT NULL
);

-- Who may do what on a project: one row per member. No foreign keys between read models:
-- each is emptied and replayed on its own.
CREATE TABLE read.project_members (
  project_id text NOT NULL,
  user_id    text NOT NULL,
  role       text NOT NULL CHECK (role IN ('viewer', 'reviewer', 'admin')),
  PRIMARY KEY (project_id, user_id)
);

-- "My projects" for a user.
CREATE INDEX project_members_by_user ON read.project_members (user_id);

CREATE TABLE read.users (
  user_id         text        PRIMARY KEY,
  name            text        NOT NULL,
  email           text,
  kind            text        NOT NULL CHECK (kind IN ('human', 'service')),
  instance_admin  boolean     NOT NULL,
  status          text        NOT NULL CHECK (status IN ('Active', 'Disabled')),
  disabled_at     timestamptz,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  stream_position bigint      NOT NULL
);

-- API tokens by the SHA-256 of their secret (the secret itself is never stored): the auth
-- guard finds a presented token, with its user, in one query on token_hash.
CREATE TABLE read.api_tokens (
  token_id   text        NOT NULL,
  user_id    text        NOT NULL,
  name       text        NOT NULL,
  token_hash text        NOT NULL UNIQUE,
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, token_id)
);

-- Down Migration

DROP TABLE read.api_tokens;
DROP TABLE read.users;
DROP TABLE read.project_members;
DROP TABLE read.projects;
