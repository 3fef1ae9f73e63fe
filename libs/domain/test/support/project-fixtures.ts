import type { ProjectCommand } from '../../src/project/project.commands.js';
import type { ProjectEvent, ProjectRegistered } from '../../src/project/project.events.js';
import { NOW } from './fixtures.js';

export { NOW, later } from './fixtures.js';

/** Builds a project command issued by `actor` (alice unless given) at NOW. */
export function projectCmd<T extends ProjectCommand['type']>(
  type: T,
  data: Extract<ProjectCommand, { type: T }>['data'],
  metadata: { now?: string; actor?: string } = {},
): Extract<ProjectCommand, { type: T }> {
  return { type, data, metadata: { now: metadata.now ?? NOW, actor: 'actor' in metadata ? metadata.actor : 'alice' } } as Extract<ProjectCommand, { type: T }>;
}

export function projectEv<T extends ProjectEvent['type']>(type: T, data: Extract<ProjectEvent, { type: T }>['data']): Extract<ProjectEvent, { type: T }> {
  return { type, data } as Extract<ProjectEvent, { type: T }>;
}

/** The `shop` project, registered by alice with the default settings. */
export function projectRegistered(overrides: Partial<ProjectRegistered['data']> = {}): ProjectRegistered {
  return projectEv('ProjectRegistered', {
    projectId: 'shop',
    name: 'Shop',
    remote: 'https://github.com/acme/shop.git',
    baseBranch: 'main',
    settings: { integration: 'merge' },
    registeredBy: 'alice',
    at: NOW,
    ...overrides,
  });
}
