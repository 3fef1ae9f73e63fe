import type { KnownProjectState, ProjectRole } from '@orkestra/domain';
import type { Caller } from '../auth/caller.js';
import type { Project } from './project.model.js';

/** The GraphQL view of a project for a caller: members are listed whole to admins only. */
export function projectView(state: KnownProjectState, caller: Caller): Project {
  const { project } = state;
  const myRole: ProjectRole | undefined = project.members[caller.userId];
  const seesMembers = caller.instanceAdmin || myRole === 'admin';
  const members = Object.entries(project.members)
    .filter(([userId]) => seesMembers || userId === caller.userId)
    .map(([userId, role]) => ({ userId, role }));
  const { settings } = project;
  return {
    id: project.projectId,
    name: project.name,
    remote: project.remote,
    baseBranch: project.baseBranch,
    ...(project.defaultFlow !== undefined && { defaultFlow: project.defaultFlow }),
    settings: {
      integration: settings.integration,
      ...(settings.maxConcurrentJobs !== undefined && { maxConcurrentJobs: settings.maxConcurrentJobs }),
      ...(settings.budget !== undefined && { budget: { ...settings.budget } }),
      ...(settings.webhookUrl !== undefined && { webhookUrl: settings.webhookUrl }),
      ...(settings.setupScript !== undefined && { setupScript: settings.setupScript }),
    },
    status: state.status,
    members,
    ...(myRole !== undefined && { myRole }),
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
  };
}
