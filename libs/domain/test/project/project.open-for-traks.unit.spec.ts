import { requireOpenForTraks } from '../../src/project/project.rules.js';
import type { KnownProjectState } from '../../src/project/project.state.js';
import type { ProjectRecord } from '../../src/project/project.values.js';

const project: ProjectRecord = {
  projectId: 'shop',
  name: 'Shop',
  remote: '/srv/git/shop.git',
  baseBranch: 'main',
  settings: { integration: 'merge' },
  members: { alice: 'admin' },
  createdAt: '2026-12-02T10:00:00.000Z',
  updatedAt: '2026-12-02T10:00:00.000Z',
};

describe('whether a project takes new Traks', () => {
  it('takes them while active', () => {
    const active: KnownProjectState = { status: 'Active', project };
    expect(requireOpenForTraks(active)).toBe(project);
  });

  it('refuses them once archived, saying so', () => {
    const archived: KnownProjectState = { status: 'Archived', project };
    expect(() => requireOpenForTraks(archived)).toThrow(expect.objectContaining({ code: 'PROJECT.ILLEGAL_TRANSITION', message: 'Project shop is archived: it takes no new Traks' }));
  });
});
