import type { IntegrationMode } from '../trak/trak.values.js';
import type { FlowBudget } from '../workflow/workflow.types.js';

/** A member's role on a project; each includes the one before it. */
export type ProjectRole = 'viewer' | 'reviewer' | 'admin';

export const PROJECT_ROLES: readonly ProjectRole[] = ['viewer', 'reviewer', 'admin'];

/** Limits on what a project's Traks may spend in total; the same shape a flow's budget has. */
export type ProjectBudget = FlowBudget;

export interface ProjectSettings {
  /** Jobs of this project out on runners at once; the scheduler's default when absent. */
  readonly maxConcurrentJobs?: number;
  readonly budget?: ProjectBudget;
  /** What a finished Trak does by default: merge its branch, or open a pull request. */
  readonly integration: IntegrationMode;
  /** Where Orkestra posts notices about the project's Traks. */
  readonly webhookUrl?: string;
  /** A script in the repository run when a Trak's worktree is created. */
  readonly setupScript?: string;
}

/** Facts about a project that hold whatever its status. */
export interface ProjectRecord {
  /** A slug chosen at registration: it appears in NATS subjects and CLI commands. */
  readonly projectId: string;
  readonly name: string;
  /** A git URL runners can reach, or an absolute path to a bare repository; never with credentials. */
  readonly remote: string;
  readonly baseBranch: string;
  /** The flow new Traks run when none is named; the workflow's first flow when absent. */
  readonly defaultFlow?: string;
  readonly settings: ProjectSettings;
  /** userId → role. There is always at least one admin. */
  readonly members: Readonly<Record<string, ProjectRole>>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What a registration says about settings; `integration` defaults to `merge`. */
export type ProjectSettingsInput = Omit<ProjectSettings, 'integration'> & { readonly integration?: IntegrationMode };

/**
 * A change to a project: fields absent are left alone, `null` clears an optional one. The
 * budget is one value (given whole, or cleared).
 */
export interface ProjectPatch {
  readonly name?: string;
  readonly remote?: string;
  readonly baseBranch?: string;
  readonly defaultFlow?: string | null;
  readonly settings?: ProjectSettingsPatch;
}

export interface ProjectSettingsPatch {
  readonly maxConcurrentJobs?: number | null;
  readonly budget?: ProjectBudget | null;
  readonly integration?: IntegrationMode;
  readonly webhookUrl?: string | null;
  readonly setupScript?: string | null;
}
