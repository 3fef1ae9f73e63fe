import type { TrakCommandType } from '../trak/trak.commands.js';
import type { ProjectRecord, ProjectRole } from './project.values.js';
import { PROJECT_ROLES } from './project.values.js';

/**
 * What a person may do on a project:
 * - `read`: see the project, its Traks, logs and artifacts;
 * - `createTrak`: start a Trak;
 * - `review`: act on Traks (approve, reject, answer, retry, skip, send to stage, restart, finish,
 *   interrupt, cancel, auto mode, merge, open a PR, archive a Trak);
 * - `administer`: change the project's settings and members, archive the project.
 */
export type ProjectAction = 'read' | 'createTrak' | 'review' | 'administer';

export const PROJECT_ACTIONS: readonly ProjectAction[] = ['read', 'createTrak', 'review', 'administer'];

/** The least role each action needs. */
const NEEDS: Readonly<Record<ProjectAction, ProjectRole>> = {
  read: 'viewer',
  createTrak: 'reviewer',
  review: 'reviewer',
  administer: 'admin',
};

/** How a user stands towards a project: their role on it (if any), and whether they administer the whole instance. */
export interface ProjectAccess {
  readonly role?: ProjectRole;
  readonly instanceAdmin?: boolean;
}

/**
 * Whether someone with `role` on a project (undefined: not a member) may take `action`. An
 * instance admin may do everything on every project, member or not.
 */
export function projectPermits(role: ProjectRole | undefined, action: ProjectAction, options: { readonly instanceAdmin?: boolean } = {}): boolean {
  if (options.instanceAdmin === true) return true;
  if (role === undefined) return false;
  return PROJECT_ROLES.indexOf(role) >= PROJECT_ROLES.indexOf(NEEDS[action]);
}

/** Every action `access` allows, in order (for an api that tells a client what to show). */
export const permittedActions = (access: ProjectAccess): ProjectAction[] =>
  PROJECT_ACTIONS.filter((action) => projectPermits(access.role, action, access));

/** A user's role on a project, or undefined when they are not a member. */
export const roleOn = (project: Pick<ProjectRecord, 'members'>, userId: string): ProjectRole | undefined => project.members[userId];

/**
 * The action a person needs for each Trak command they may issue. Commands absent here are the
 * scheduler's and runners' (agent runs, gates, results, dependencies): no person issues them.
 * `RequestIntegration` is here because a person merges or opens a PR with it.
 */
export const TRAK_COMMAND_ACTIONS: Readonly<Partial<Record<TrakCommandType, ProjectAction>>> = {
  CreateTrak: 'createTrak',
  Approve: 'review',
  Reject: 'review',
  AnswerQuestions: 'review',
  Retry: 'review',
  Skip: 'review',
  SendToStage: 'review',
  Restart: 'review',
  Finish: 'review',
  Interrupt: 'review',
  Cancel: 'review',
  SetAutoMode: 'review',
  RequestIntegration: 'review',
  Archive: 'review',
};
