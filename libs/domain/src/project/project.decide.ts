import { DomainError } from '../shared/domain-error.js';
import type { Decider } from '../shared/message.js';
import { assertNever } from '../shared/message.js';
import type { ArchiveProject, ProjectCommand, RegisterProject, RemoveMember, SetMemberRole, UpdateProject } from './project.commands.js';
import type { ProjectEvent } from './project.events.js';
import { evolveProject } from './project.evolve.js';
import {
  adminsOf,
  illegalProjectTransition,
  invalidProject,
  normalizeSettings,
  requireActive,
  requireBranch,
  requireRemote,
  requireRole,
  requireSlug,
  requireText,
  sameBudget,
  settingChecks,
} from './project.rules.js';
import type { KnownProjectState, ProjectState } from './project.state.js';
import { initialProjectState } from './project.state.js';
import type { ProjectPatch, ProjectRecord, ProjectSettingsPatch } from './project.values.js';

/**
 * The Project decider: registration, settings, members and archiving. Pure: time and the
 * acting user come in on the command's metadata. Who may issue which command is
 * `projectPermits`' business, checked at the edge before the command gets here.
 */
export function decideProject(command: ProjectCommand, state: ProjectState): ProjectEvent[] {
  if (command.type === 'RegisterProject') return registerProject(command, state);
  if (state.status === 'Initial') {
    throw new DomainError('PROJECT.NOT_FOUND', `Cannot ${command.type}: the project does not exist`, { command: command.type });
  }
  switch (command.type) {
    case 'UpdateProject':
      return updateProject(command, state);
    case 'SetMemberRole':
      return setMemberRole(command, state);
    case 'RemoveMember':
      return removeMember(command, state);
    case 'ArchiveProject':
      return archiveProject(command, state);
    default:
      return assertNever(command, 'Project command');
  }
}

function registerProject(command: RegisterProject, state: ProjectState): ProjectEvent[] {
  const d = command.data;
  if (state.status !== 'Initial') {
    throw new DomainError('PROJECT.ALREADY_EXISTS', `Project ${d.projectId} already exists (${state.status.toLowerCase()})`, { projectId: d.projectId });
  }
  const registeredBy = command.metadata.actor;
  if (registeredBy === undefined || registeredBy.trim() === '') {
    throw invalidProject('metadata.actor', 'RegisterProject needs the registering user as metadata.actor: that user becomes the first admin');
  }
  const defaultFlow = d.defaultFlow === undefined ? undefined : requireText(d.defaultFlow, 'defaultFlow');
  return [
    {
      type: 'ProjectRegistered',
      data: {
        projectId: requireSlug(d.projectId),
        name: requireText(d.name, 'name'),
        remote: requireRemote(d.remote),
        baseBranch: requireBranch(d.baseBranch),
        ...(defaultFlow !== undefined && { defaultFlow }),
        settings: normalizeSettings(d.settings),
        registeredBy,
        at: command.metadata.now,
      },
    },
  ];
}

/** Records only what the patch changes; a patch that changes nothing records nothing. */
function updateProject(command: UpdateProject, state: KnownProjectState): ProjectEvent[] {
  const { project } = requireActive(state, 'update');
  const changes = changesOf(project, command.data);
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'ProjectUpdated', data: { changes, at: command.metadata.now } }];
}

function changesOf(project: ProjectRecord, patch: ProjectPatch): ProjectPatch {
  const name = patch.name === undefined ? undefined : requireText(patch.name, 'name');
  const remote = patch.remote === undefined ? undefined : requireRemote(patch.remote);
  const baseBranch = patch.baseBranch === undefined ? undefined : requireBranch(patch.baseBranch);
  const defaultFlow = cleared(patch.defaultFlow, (v) => requireText(v, 'defaultFlow'));
  const settings = patch.settings === undefined ? {} : settingChanges(project, patch.settings);
  return {
    ...(name !== undefined && name !== project.name && { name }),
    ...(remote !== undefined && remote !== project.remote && { remote }),
    ...(baseBranch !== undefined && baseBranch !== project.baseBranch && { baseBranch }),
    ...(defaultFlow !== undefined && (defaultFlow ?? undefined) !== project.defaultFlow && { defaultFlow }),
    ...(Object.keys(settings).length > 0 && { settings }),
  };
}

function settingChanges(project: ProjectRecord, patch: ProjectSettingsPatch): ProjectSettingsPatch {
  const current = project.settings;
  const maxConcurrentJobs = cleared(patch.maxConcurrentJobs, settingChecks.maxConcurrentJobs);
  const webhookUrl = cleared(patch.webhookUrl, settingChecks.webhookUrl);
  const setupScript = cleared(patch.setupScript, settingChecks.setupScript);
  const integration = patch.integration === undefined ? undefined : settingChecks.integration(patch.integration);
  // A budget with no limits left clears the budget.
  const budget = patch.budget === undefined ? undefined : patch.budget === null ? null : (settingChecks.budget(patch.budget) ?? null);
  const differs = <T>(next: T | null | undefined, now: T | undefined): boolean => next !== undefined && (next ?? undefined) !== now;
  return {
    ...(differs(maxConcurrentJobs, current.maxConcurrentJobs) && { maxConcurrentJobs }),
    ...(budget !== undefined && !sameBudget(budget ?? undefined, current.budget) && { budget }),
    ...(integration !== undefined && integration !== current.integration && { integration }),
    ...(differs(webhookUrl, current.webhookUrl) && { webhookUrl }),
    ...(differs(setupScript, current.setupScript) && { setupScript }),
  };
}

/** undefined stays undefined (not in the patch), null stays null (clear), a value is checked. */
function cleared<T>(value: T | null | undefined, check: (value: T) => T): T | null | undefined {
  return value === undefined || value === null ? value : check(value);
}

function setMemberRole(command: SetMemberRole, state: KnownProjectState): ProjectEvent[] {
  const { project } = requireActive(state, 'change members of');
  const userId = requireText(command.data.userId, 'userId');
  const role = requireRole(command.data.role);
  const at = command.metadata.now;
  const previousRole = project.members[userId];
  if (previousRole === undefined) return [{ type: 'ProjectMemberAdded', data: { userId, role, at } }];
  if (previousRole === role) return [];
  if (previousRole === 'admin') requireAnotherAdmin(project, userId, `make ${userId} a ${role}`);
  return [{ type: 'ProjectMemberRoleChanged', data: { userId, role, previousRole, at } }];
}

function removeMember(command: RemoveMember, state: KnownProjectState): ProjectEvent[] {
  const { project } = requireActive(state, 'change members of');
  const userId = requireText(command.data.userId, 'userId');
  const previousRole = project.members[userId];
  if (previousRole === undefined) {
    throw invalidProject('userId', `${userId} is not a member of project ${project.projectId}`, { userId });
  }
  if (previousRole === 'admin') requireAnotherAdmin(project, userId, `remove ${userId}`);
  return [{ type: 'ProjectMemberRemoved', data: { userId, previousRole, at: command.metadata.now } }];
}

/** A project always keeps an admin: someone must be able to manage it. */
function requireAnotherAdmin(project: ProjectRecord, userId: string, action: string): void {
  if (adminsOf(project.members).some((admin) => admin !== userId)) return;
  throw illegalProjectTransition(
    `Cannot ${action} on project ${project.projectId}: ${userId} is its last admin; make another member admin first`,
    { projectId: project.projectId, userId },
  );
}

function archiveProject(command: ArchiveProject, state: KnownProjectState): ProjectEvent[] {
  requireActive(state, 'archive');
  return [{ type: 'ProjectArchived', data: { at: command.metadata.now } }];
}

export const projectDecider: Decider<ProjectState, ProjectCommand, ProjectEvent> = {
  decide: decideProject,
  evolve: evolveProject,
  initialState: initialProjectState,
};
