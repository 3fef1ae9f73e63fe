import type { ProjectAction } from '../../src/project/project.permissions.js';
import { TRAK_COMMAND_ACTIONS, permittedActions, projectPermits, roleOn } from '../../src/project/project.permissions.js';
import type { ProjectRole } from '../../src/project/project.values.js';

const matrix: readonly [ProjectRole | undefined, readonly ProjectAction[]][] = [
  [undefined, []],
  ['viewer', ['read']],
  ['reviewer', ['read', 'createTrak', 'review']],
  ['admin', ['read', 'createTrak', 'review', 'administer']],
];

describe('a member of a project', () => {
  it.each(matrix)('with role %s may do exactly %j', (role, allowed) => {
    for (const action of ['read', 'createTrak', 'review', 'administer'] as const) {
      expect(projectPermits(role, action)).toBe(allowed.includes(action));
    }
    expect(permittedActions(role === undefined ? {} : { role })).toEqual(allowed);
  });
});

describe('an instance admin', () => {
  it('may do everything on a project they are not a member of', () => {
    expect(permittedActions({ instanceAdmin: true })).toEqual(['read', 'createTrak', 'review', 'administer']);
    expect(projectPermits('viewer', 'administer', { instanceAdmin: true })).toBe(true);
  });
});

describe('the Trak commands people issue', () => {
  it('need review, except creating a Trak', () => {
    expect(TRAK_COMMAND_ACTIONS.CreateTrak).toBe('createTrak');
    expect(TRAK_COMMAND_ACTIONS.Approve).toBe('review');
    expect(TRAK_COMMAND_ACTIONS.RequestIntegration).toBe('review');
    expect(projectPermits('viewer', TRAK_COMMAND_ACTIONS.Cancel!)).toBe(false);
  });

  it('leave out what only the scheduler and runners report', () => {
    expect(TRAK_COMMAND_ACTIONS.RecordAgentRunResult).toBeUndefined();
    expect(TRAK_COMMAND_ACTIONS.RequestAgentRun).toBeUndefined();
    expect(TRAK_COMMAND_ACTIONS.RecordGateResult).toBeUndefined();
  });
});

describe("a user's role on a project", () => {
  it('is read from its members', () => {
    const project = { members: { alice: 'admin', bob: 'viewer' } as const };
    expect(roleOn(project, 'bob')).toBe('viewer');
    expect(roleOn(project, 'dave')).toBeUndefined();
  });
});
