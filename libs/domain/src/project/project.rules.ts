import { DomainError } from '../shared/domain-error.js';
import type { IntegrationMode } from '../trak/trak.values.js';
import { checkRemote, redactRemote } from './git-remote.js';
import type { KnownProjectState } from './project.state.js';
import type { ProjectBudget, ProjectRecord, ProjectRole, ProjectSettings, ProjectSettingsInput } from './project.values.js';
import { PROJECT_ROLES } from './project.values.js';

/** A command's data breaks a rule; `details.field` names the field (a dotted path for settings). */
export const invalidProject = (field: string, message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError('PROJECT.VALIDATION', message, { ...details, field });

export const illegalProjectTransition = (message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError('PROJECT.ILLEGAL_TRANSITION', message, details);

/** 1–40 lowercase letters, digits and `-`, starting and ending with a letter or digit (a leading `-` would read as a CLI flag). */
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export function requireSlug(projectId: string): string {
  if (!SLUG.test(projectId)) {
    throw invalidProject(
      'projectId',
      `projectId "${projectId}" must be a slug of 1–40 lowercase letters, digits and "-", starting and ending with a letter or digit`,
    );
  }
  return projectId;
}

export function requireText(value: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw invalidProject(field, `${field} must not be blank`);
  return trimmed;
}

/** A branch name git accepts (`git check-ref-format --branch`, the common cases). */
export function requireBranch(value: string, field = 'baseBranch'): string {
  const branch = requireText(value, field);
  const bad =
    /[\s~^:?*[\\]|\.\.|@\{|\/\/|\/\.|^[-/.]|[/.]$|\.lock$/.test(branch) || branch === '@';
  if (bad) throw invalidProject(field, `${field} "${branch}" is not a valid git branch name`);
  return branch;
}

export function requireRemote(remote: string): string {
  const check = checkRemote(remote);
  // The message shows the remote with its secret parts masked: errors end up in logs too.
  if (!check.ok) throw invalidProject('remote', `remote "${redactRemote(remote)}" ${check.problem}`, { carriesSecret: check.carriesSecret });
  return remote;
}

export function requireWebhookUrl(url: string): string {
  const match = /^(https?):\/\/([^/?#\s]+)[^\s]*$/i.exec(url);
  if (match === null) throw invalidProject('settings.webhookUrl', `settings.webhookUrl "${url}" must be an http:// or https:// URL`);
  if (match[2]!.includes('@')) {
    throw invalidProject('settings.webhookUrl', 'settings.webhookUrl must not carry a user or password: secrets must never reach the event log');
  }
  return url;
}

export function requireRole(role: string): ProjectRole {
  if (!(PROJECT_ROLES as readonly string[]).includes(role)) {
    throw invalidProject('role', `role "${role}" must be one of ${PROJECT_ROLES.join(', ')}`);
  }
  return role as ProjectRole;
}

function requirePositiveInteger(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw invalidProject(field, `${field} must be a positive whole number, not ${value}`);
  return value;
}

function requireIntegration(mode: string): IntegrationMode {
  if (mode !== 'merge' && mode !== 'pr') throw invalidProject('settings.integration', `settings.integration "${mode}" must be "merge" or "pr"`);
  return mode;
}

/** A budget with its limits checked; one with no limit at all is no budget (undefined). */
export function normalizeBudget(budget: ProjectBudget): ProjectBudget | undefined {
  const { maxCostUsd, maxTokens } = budget;
  if (maxCostUsd !== undefined && !(Number.isFinite(maxCostUsd) && maxCostUsd > 0)) {
    throw invalidProject('settings.budget.maxCostUsd', `settings.budget.maxCostUsd must be a positive amount, not ${maxCostUsd}`);
  }
  if (maxTokens !== undefined) requirePositiveInteger(maxTokens, 'settings.budget.maxTokens');
  if (maxCostUsd === undefined && maxTokens === undefined) return undefined;
  return { ...(maxCostUsd !== undefined && { maxCostUsd }), ...(maxTokens !== undefined && { maxTokens }) };
}

export const sameBudget = (a: ProjectBudget | undefined, b: ProjectBudget | undefined): boolean =>
  a?.maxCostUsd === b?.maxCostUsd && a?.maxTokens === b?.maxTokens;

/** Checked optional settings, one at a time so each error names its field. */
export const settingChecks = {
  maxConcurrentJobs: (value: number) => requirePositiveInteger(value, 'settings.maxConcurrentJobs'),
  budget: normalizeBudget,
  integration: requireIntegration,
  webhookUrl: requireWebhookUrl,
  setupScript: (value: string) => requireText(value, 'settings.setupScript'),
};

export function normalizeSettings(input: ProjectSettingsInput = {}): ProjectSettings {
  const budget = input.budget === undefined ? undefined : settingChecks.budget(input.budget);
  return {
    integration: input.integration === undefined ? 'merge' : settingChecks.integration(input.integration),
    ...(input.maxConcurrentJobs !== undefined && { maxConcurrentJobs: settingChecks.maxConcurrentJobs(input.maxConcurrentJobs) }),
    ...(budget !== undefined && { budget }),
    ...(input.webhookUrl !== undefined && { webhookUrl: settingChecks.webhookUrl(input.webhookUrl) }),
    ...(input.setupScript !== undefined && { setupScript: settingChecks.setupScript(input.setupScript) }),
  };
}

/** Narrows to an Active project, or throws naming the project and what was refused. */
export function requireActive(state: KnownProjectState, action: string): Extract<KnownProjectState, { status: 'Active' }> {
  if (state.status === 'Active') return state;
  throw illegalProjectTransition(`Cannot ${action} project ${state.project.projectId}: it is archived`, {
    projectId: state.project.projectId,
    status: state.status,
    action,
  });
}

export const adminsOf = (members: Readonly<Record<string, ProjectRole>>): string[] =>
  Object.entries(members)
    .filter(([, role]) => role === 'admin')
    .map(([userId]) => userId);

/** A project takes new Traks while it is active; an archived one keeps its history and refuses them. */
export function requireOpenForTraks(state: KnownProjectState): ProjectRecord {
  if (state.status === 'Archived') {
    throw illegalProjectTransition(`Project ${state.project.projectId} is archived: it takes no new Traks`, { projectId: state.project.projectId, status: state.status });
  }
  return state.project;
}
