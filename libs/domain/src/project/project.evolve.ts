import { assertNever } from '../shared/message.js';
import type { ProjectEvent } from './project.events.js';
import type { ProjectState } from './project.state.js';
import type { ProjectPatch, ProjectRecord, ProjectSettings } from './project.values.js';

export function evolveProject(state: ProjectState, event: ProjectEvent): ProjectState {
  if (event.type === 'ProjectRegistered') {
    const { registeredBy, at, ...facts } = event.data;
    return { status: 'Active', project: { ...facts, members: { [registeredBy]: 'admin' }, createdAt: at, updatedAt: at } };
  }
  if (state.status === 'Initial') return state;
  const project = { ...state.project, updatedAt: event.data.at };

  switch (event.type) {
    case 'ProjectUpdated':
      return { ...state, project: patched(project, event.data.changes) };
    case 'ProjectMemberAdded':
    case 'ProjectMemberRoleChanged':
      return { ...state, project: { ...project, members: { ...project.members, [event.data.userId]: event.data.role } } };
    case 'ProjectMemberRemoved': {
      const { [event.data.userId]: _removed, ...members } = project.members;
      return { ...state, project: { ...project, members } };
    }
    case 'ProjectArchived':
      return { status: 'Archived', project };
    default:
      return assertNever(event, 'Project event');
  }
}

function patched(project: ProjectRecord, changes: ProjectPatch): ProjectRecord {
  const { settings, ...fields } = changes;
  const next = withPatch(project, fields);
  return settings === undefined ? next : { ...next, settings: withPatch<ProjectSettings>(project.settings, settings) };
}

/** Sets the patch's values and drops the fields it clears (`null`). */
function withPatch<T extends object>(target: T, patch: { readonly [K in keyof T]?: T[K] | null }): T {
  const result = { ...target } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else if (value !== undefined) result[key] = value;
  }
  return result as T;
}
