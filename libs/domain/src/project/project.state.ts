import type { ProjectRecord } from './project.values.js';

export type ProjectState =
  | { readonly status: 'Initial' }
  | { readonly status: 'Active'; readonly project: ProjectRecord }
  /** Kept for reading and for its Traks' history; it refuses every change. */
  | { readonly status: 'Archived'; readonly project: ProjectRecord };

export type ProjectStatus = ProjectState['status'];
export type KnownProjectState = Exclude<ProjectState, { status: 'Initial' }>;

export const initialProjectState = (): ProjectState => ({ status: 'Initial' });
