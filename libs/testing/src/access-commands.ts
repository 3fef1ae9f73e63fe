import { createHash } from 'node:crypto';
import type { ProjectCommand, ProjectPatch, ProjectRole, UserCommand, UserKind } from '@orkestra/domain';

export const NOW = '2026-11-24T10:00:00.000Z';

type ProjectCmd<T extends ProjectCommand['type']> = Extract<ProjectCommand, { type: T }>;
type UserCmd<T extends UserCommand['type']> = Extract<UserCommand, { type: T }>;

const meta = (actor: string, now: string) => ({ now, actor });

// ---- Projects (actor alice, who registers them and so is their first admin)

export function registerProject(projectId: string, overrides: Partial<ProjectCmd<'RegisterProject'>['data']> = {}, actor = 'alice'): ProjectCmd<'RegisterProject'> {
  return {
    type: 'RegisterProject',
    data: { projectId, name: `Project ${projectId}`, remote: `https://git.example.com/acme/${projectId}.git`, baseBranch: 'main', ...overrides },
    metadata: meta(actor, NOW),
  };
}

export const updateProject = (patch: ProjectPatch, now = NOW): ProjectCmd<'UpdateProject'> => ({ type: 'UpdateProject', data: patch, metadata: meta('alice', now) });

export const setMemberRole = (userId: string, role: ProjectRole, now = NOW): ProjectCmd<'SetMemberRole'> => ({
  type: 'SetMemberRole',
  data: { userId, role },
  metadata: meta('alice', now),
});

export const removeMember = (userId: string, now = NOW): ProjectCmd<'RemoveMember'> => ({ type: 'RemoveMember', data: { userId }, metadata: meta('alice', now) });

export const archiveProject = (): ProjectCmd<'ArchiveProject'> => ({ type: 'ArchiveProject', data: {}, metadata: meta('alice', NOW) });

// ---- Users (actor root, the instance admin)

export const registerUser = (userId: string, kind: UserKind = 'human', instanceAdmin = false): UserCmd<'RegisterUser'> => ({
  type: 'RegisterUser',
  data: { userId, name: userId, kind, instanceAdmin },
  metadata: meta('root', NOW),
});

export const disableUser = (reason?: string): UserCmd<'DisableUser'> => ({ type: 'DisableUser', data: reason === undefined ? {} : { reason }, metadata: meta('root', NOW) });

/** A token for the secret `secret` (its hash is what the command carries). */
export const issueToken = (tokenId: string, secret: string, expiresAt?: string): UserCmd<'IssueToken'> => ({
  type: 'IssueToken',
  data: { tokenId, name: `token ${tokenId}`, tokenHash: tokenHashOf(secret), ...(expiresAt !== undefined && { expiresAt }) },
  metadata: meta('root', NOW),
});

export const revokeToken = (tokenId: string, now = NOW): UserCmd<'RevokeToken'> => ({ type: 'RevokeToken', data: { tokenId }, metadata: meta('root', now) });

/** SHA-256 of a token secret in hex, as the api stores it. */
export const tokenHashOf = (secret: string): string => createHash('sha256').update(secret).digest('hex');
