import type { Event } from '../shared/message.js';
import type { ProjectPatch, ProjectRole, ProjectSettings } from './project.values.js';

/** Every event records when it happened (`at`, ISO-8601, taken from the command). */
interface At {
  readonly at: string;
}

/** `registeredBy` (the command's actor) is the project's first admin. */
export type ProjectRegistered = Event<
  'ProjectRegistered',
  At & {
    readonly projectId: string;
    readonly name: string;
    readonly remote: string;
    readonly baseBranch: string;
    readonly defaultFlow?: string;
    readonly settings: ProjectSettings;
    readonly registeredBy: string;
  }
>;

/** Only what changed: `null` records an optional field cleared. */
export type ProjectUpdated = Event<'ProjectUpdated', At & { readonly changes: ProjectPatch }>;

export type ProjectMemberAdded = Event<'ProjectMemberAdded', At & { readonly userId: string; readonly role: ProjectRole }>;

export type ProjectMemberRoleChanged = Event<
  'ProjectMemberRoleChanged',
  At & { readonly userId: string; readonly role: ProjectRole; readonly previousRole: ProjectRole }
>;

export type ProjectMemberRemoved = Event<'ProjectMemberRemoved', At & { readonly userId: string; readonly previousRole: ProjectRole }>;

export type ProjectArchived = Event<'ProjectArchived', At>;

export type ProjectEvent =
  | ProjectRegistered
  | ProjectUpdated
  | ProjectMemberAdded
  | ProjectMemberRoleChanged
  | ProjectMemberRemoved
  | ProjectArchived;

export type ProjectEventType = ProjectEvent['type'];
