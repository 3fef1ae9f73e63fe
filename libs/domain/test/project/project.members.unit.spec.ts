import { projectDecider } from '../../src/project/project.decide.js';
import type { ProjectEvent } from '../../src/project/project.events.js';
import { deciderSpecification } from '../support/decider-specification.js';
import { NOW, projectCmd, projectEv, projectRegistered } from '../support/project-fixtures.js';

const spec = deciderSpecification(projectDecider);

const withTeam = (): ProjectEvent[] => [
  projectRegistered(),
  projectEv('ProjectMemberAdded', { userId: 'bob', role: 'reviewer', at: NOW }),
  projectEv('ProjectMemberAdded', { userId: 'carol', role: 'viewer', at: NOW }),
];

const membersAfter = (events: readonly ProjectEvent[]) => {
  const state = events.reduce(projectDecider.evolve, projectDecider.initialState());
  return state.status === 'Initial' ? undefined : state.project.members;
};

describe('an active project', () => {
  it('adds a new member with a role', () => {
    spec([projectRegistered()])
      .when(projectCmd('SetMemberRole', { userId: 'bob', role: 'reviewer' }))
      .thenState((state, decided) => {
        expect(decided).toEqual([projectEv('ProjectMemberAdded', { userId: 'bob', role: 'reviewer', at: NOW })]);
        expect(state).toMatchObject({ project: { members: { alice: 'admin', bob: 'reviewer' } } });
      });
  });

  it("changes a member's role, recording the previous one", () => {
    spec(withTeam())
      .when(projectCmd('SetMemberRole', { userId: 'carol', role: 'admin' }))
      .then([projectEv('ProjectMemberRoleChanged', { userId: 'carol', role: 'admin', previousRole: 'viewer', at: NOW })]);
  });

  it('appends nothing when the member already has the role', () => {
    spec(withTeam()).when(projectCmd('SetMemberRole', { userId: 'bob', role: 'reviewer' })).thenNothingHappened();
  });

  it('removes a member', () => {
    spec(withTeam())
      .when(projectCmd('RemoveMember', { userId: 'bob' }))
      .thenState((state, decided) => {
        expect(decided).toEqual([projectEv('ProjectMemberRemoved', { userId: 'bob', previousRole: 'reviewer', at: NOW })]);
        expect(state).toMatchObject({ project: { members: { alice: 'admin', carol: 'viewer' } } });
        expect(membersAfter([...withTeam(), ...decided])).not.toHaveProperty('bob');
      });
  });

  it('refuses to remove someone who is not a member', () => {
    spec(withTeam())
      .when(projectCmd('RemoveMember', { userId: 'dave' }))
      .thenThrows('PROJECT.VALIDATION', /dave is not a member of project shop/, { field: 'userId' });
  });

  it('refuses a role that does not exist, naming the roles', () => {
    spec(withTeam())
      .when(projectCmd('SetMemberRole', { userId: 'bob', role: 'owner' as never }))
      .thenThrows('PROJECT.VALIDATION', /role "owner" must be one of viewer, reviewer, admin/, { field: 'role' });
  });

  it('refuses a blank user id', () => {
    spec(withTeam()).when(projectCmd('SetMemberRole', { userId: ' ', role: 'viewer' })).thenThrows('PROJECT.VALIDATION', /userId must not be blank/, { field: 'userId' });
  });
});

describe('a project with one admin', () => {
  it('refuses to remove its last admin', () => {
    spec(withTeam())
      .when(projectCmd('RemoveMember', { userId: 'alice' }))
      .thenThrows('PROJECT.ILLEGAL_TRANSITION', /Cannot remove alice on project shop: alice is its last admin; make another member admin first/);
  });

  it('refuses to demote its last admin', () => {
    spec(withTeam())
      .when(projectCmd('SetMemberRole', { userId: 'alice', role: 'reviewer' }))
      .thenThrows('PROJECT.ILLEGAL_TRANSITION', /alice is its last admin/);
  });
});

describe('a project with two admins', () => {
  const twoAdmins = () => [...withTeam(), projectEv('ProjectMemberRoleChanged', { userId: 'bob', role: 'admin', previousRole: 'reviewer', at: NOW })];

  it('lets one of them step down', () => {
    spec(twoAdmins())
      .when(projectCmd('SetMemberRole', { userId: 'alice', role: 'viewer' }))
      .then([projectEv('ProjectMemberRoleChanged', { userId: 'alice', role: 'viewer', previousRole: 'admin', at: NOW })]);
  });

  it('lets one of them be removed', () => {
    spec(twoAdmins()).when(projectCmd('RemoveMember', { userId: 'alice' })).thenEventTypes(['ProjectMemberRemoved']);
  });
});

describe('archiving', () => {
  it('archives an active project, keeping its record', () => {
    spec(withTeam())
      .when(projectCmd('ArchiveProject', {}))
      .thenState((state, decided) => {
        expect(decided).toEqual([projectEv('ProjectArchived', { at: NOW })]);
        expect(state).toMatchObject({ status: 'Archived', project: { projectId: 'shop', members: { bob: 'reviewer' } } });
      });
  });

  describe('an archived project', () => {
    const archived = () => [...withTeam(), projectEv('ProjectArchived', { at: NOW })];

    it.each([
      projectCmd('SetMemberRole', { userId: 'dave', role: 'viewer' }),
      projectCmd('RemoveMember', { userId: 'bob' }),
      projectCmd('ArchiveProject', {}),
    ])('refuses $type', (command) => {
      spec(archived()).when(command).thenThrows('PROJECT.ILLEGAL_TRANSITION', /project shop: it is archived/);
    });
  });
});
