/** Who authors and commits the runner's commits. */
export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

/** Used when the runner's config names no identity. */
export const DEFAULT_GIT_IDENTITY: GitIdentity = { name: 'Orkestra', email: 'orkestra@localhost' };

/** The environment that makes git use `identity` as author and committer, whatever the host's config says. */
export const identityEnv = (identity: GitIdentity): Record<string, string> => ({
  GIT_AUTHOR_NAME: identity.name,
  GIT_AUTHOR_EMAIL: identity.email,
  GIT_COMMITTER_NAME: identity.name,
  GIT_COMMITTER_EMAIL: identity.email,
});
