import type { Command } from '../shared/message.js';
import type { ProjectPatch, ProjectRole, ProjectSettingsInput } from './project.values.js';

/** The issuing user (`metadata.actor`) becomes the project's first admin. */
export type RegisterProject = Command<
  'RegisterProject',
  {
    readonly projectId: string;
    readonly name: string;
    readonly remote: string;
    readonly baseBranch: string;
    readonly defaultFlow?: string;
    readonly settings?: ProjectSettingsInput;
  }
>;

/** A patch: what is absent stays as it is, `null` clears an optional field. */
export type UpdateProject = Command<'UpdateProject', ProjectPatch>;

/** Adds a member with a role, or changes a member's role. */
export type SetMemberRole = Command<'SetMemberRole', { readonly userId: string; readonly role: ProjectRole }>;

export type RemoveMember = Command<'RemoveMember', { readonly userId: string }>;

export type ArchiveProject = Command<'ArchiveProject', Record<string, never>>;

export type ProjectCommand = RegisterProject | UpdateProject | SetMemberRole | RemoveMember | ArchiveProject;

export type ProjectCommandType = ProjectCommand['type'];
