import { projectDecider } from '../../src/project/project.decide.js';
import type { RegisterProject } from '../../src/project/project.commands.js';
import { deciderSpecification } from '../support/decider-specification.js';
import { NOW, projectCmd, projectEv, projectRegistered } from '../support/project-fixtures.js';

const spec = deciderSpecification(projectDecider);

const register = (data: Partial<RegisterProject['data']> = {}, actor = 'alice') =>
  projectCmd(
    'RegisterProject',
    { projectId: 'shop', name: 'Shop', remote: 'https://github.com/acme/shop.git', baseBranch: 'main', ...data },
    { actor },
  );

describe('a project that does not exist', () => {
  it('is registered with merge as its integration, and the registering user as its only admin', () => {
    spec([])
      .when(register())
      .thenState((state, decided) => {
        expect(decided).toEqual([projectRegistered()]);
        expect(state).toEqual({
          status: 'Active',
          project: {
            projectId: 'shop',
            name: 'Shop',
            remote: 'https://github.com/acme/shop.git',
            baseBranch: 'main',
            settings: { integration: 'merge' },
            members: { alice: 'admin' },
            createdAt: NOW,
            updatedAt: NOW,
          },
        });
      });
  });

  it('records its default flow and settings, trimming the name', () => {
    const settings = { maxConcurrentJobs: 3, budget: { maxCostUsd: 25, maxTokens: 2_000_000 }, integration: 'pr' as const, webhookUrl: 'https://hooks.example.com/orkestra', setupScript: '.orkestra/scripts/setup.sh' };
    spec([])
      .when(register({ name: '  Shop front ', defaultFlow: 'quick', settings }))
      .then([projectRegistered({ name: 'Shop front', defaultFlow: 'quick', settings })]);
  });

  it('treats a budget with no limit as no budget', () => {
    spec([])
      .when(register({ settings: { budget: {} } }))
      .then([projectRegistered({ settings: { integration: 'merge' } })]);
  });

  it.each([
    ['an ssh URL', 'ssh://git@github.com/acme/shop.git'],
    ['an scp-like address', 'git@github.com:acme/shop.git'],
    ['a git:// URL', 'git://git.example.com/shop.git'],
    ['a file URL', 'file:///srv/git/shop.git'],
    ['an absolute path to a bare repository', '/srv/git/shop.git'],
    ['an http URL', 'http://git.internal:8080/shop.git'],
  ])('accepts %s as its remote', (_what, remote) => {
    spec([]).when(register({ remote })).then([projectRegistered({ remote })]);
  });

  it('needs to know who registers it, since that user becomes its admin', () => {
    spec([]).when(projectCmd('RegisterProject', register().data, { actor: undefined })).thenThrows('PROJECT.VALIDATION', /metadata\.actor/, { field: 'metadata.actor' });
  });
});

describe('a registration with bad data', () => {
  it.each([
    ['an upper-case slug', 'Shop'],
    ['a slug with a dot', 'shop.front'],
    ['a slug starting with "-"', '-shop'],
    ['a slug ending with "-"', 'shop-'],
    ['an empty slug', ''],
    ['a slug of 41 characters', 'a'.repeat(41)],
  ])('refuses %s, naming projectId', (_what, projectId) => {
    spec([]).when(register({ projectId })).thenThrows('PROJECT.VALIDATION', /must be a slug of 1–40 lowercase letters, digits and "-"/, { field: 'projectId' });
  });

  it('accepts a slug of 40 characters with dashes inside', () => {
    const projectId = `a-${'b'.repeat(37)}c`;
    spec([]).when(register({ projectId })).then([projectRegistered({ projectId })]);
  });

  it.each([
    ['name', { name: '   ' }, /name must not be blank/],
    ['baseBranch', { baseBranch: '' }, /baseBranch must not be blank/],
    ['baseBranch', { baseBranch: 'feature..x' }, /baseBranch "feature\.\.x" is not a valid git branch name/],
    ['baseBranch', { baseBranch: '-main' }, /not a valid git branch name/],
    ['defaultFlow', { defaultFlow: ' ' }, /defaultFlow must not be blank/],
    ['settings.maxConcurrentJobs', { settings: { maxConcurrentJobs: 0 } }, /must be a positive whole number, not 0/],
    ['settings.maxConcurrentJobs', { settings: { maxConcurrentJobs: 2.5 } }, /positive whole number/],
    ['settings.budget.maxCostUsd', { settings: { budget: { maxCostUsd: -1 } } }, /must be a positive amount, not -1/],
    ['settings.budget.maxTokens', { settings: { budget: { maxTokens: 0 } } }, /positive whole number/],
    ['settings.integration', { settings: { integration: 'rebase' as never } }, /must be "merge" or "pr"/],
    ['settings.webhookUrl', { settings: { webhookUrl: 'ftp://hooks.example.com/x' } }, /must be an http:\/\/ or https:\/\/ URL/],
    ['settings.webhookUrl', { settings: { webhookUrl: 'https://user:pw@hooks.example.com/x' } }, /must not carry a user or password/],
    ['settings.setupScript', { settings: { setupScript: '' } }, /setupScript must not be blank/],
  ])('refuses a bad %s, naming it', (field, data, message) => {
    spec([]).when(register(data as Partial<RegisterProject['data']>)).thenThrows('PROJECT.VALIDATION', message, { field });
  });

  it.each([
    ['a relative path', 'repos/shop.git'],
    ['an unknown scheme', 'svn://svn.example.com/shop'],
    ['a URL without a host', 'https:///shop.git'],
    ['a URL without a repository path', 'https://github.com/'],
    ['a file URL on another machine', 'file://fileserver/srv/shop.git'],
    ['text with spaces', 'my repo'],
  ])('refuses %s as its remote', (_what, remote) => {
    spec([]).when(register({ remote })).thenThrows('PROJECT.VALIDATION', /^remote /, { field: 'remote', carriesSecret: false });
  });
});

describe('a registration whose remote carries a secret', () => {
  it.each([
    ['a password in an https URL', 'https://alice:s3cr3t-token@github.com/acme/shop.git', 's3cr3t-token'],
    ['a token as the user of an https URL', 'https://ghp_abcdef123456@github.com/acme/shop.git', 'ghp_abcdef123456'],
    ['a password in an ssh URL', 'ssh://git:hunter2@example.com/shop.git', 'hunter2'],
    ['a token in the query string', 'https://github.com/acme/shop.git?access_token=tok999', 'tok999'],
    ['a password before "@" without a scheme', 'alice:hunter2@example.com:shop.git', 'hunter2'],
  ])('refuses %s, and the error does not repeat the secret', (_what, remote, secret) => {
    const error = spec([]).when(register({ remote })).thenThrows('PROJECT.VALIDATION', /secrets must never reach the event log/, { field: 'remote', carriesSecret: true });
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error.toJSON())).not.toContain(secret);
  });

  it('accepts a plain user in an ssh URL, which is not a secret', () => {
    spec([]).when(register({ remote: 'ssh://git@github.com/acme/shop.git' })).thenEventTypes(['ProjectRegistered']);
  });
});

describe('a project that exists', () => {
  it('cannot be registered again', () => {
    spec([projectRegistered()]).when(register()).thenThrows('PROJECT.ALREADY_EXISTS', /Project shop already exists/);
  });

  it('cannot be registered again once archived either', () => {
    spec([projectRegistered(), projectEv('ProjectArchived', { at: NOW })]).when(register()).thenThrows('PROJECT.ALREADY_EXISTS', /already exists \(archived\)/);
  });
});

describe('a project that does not exist yet', () => {
  it.each([
    projectCmd('UpdateProject', { name: 'x' }),
    projectCmd('SetMemberRole', { userId: 'bob', role: 'viewer' }),
    projectCmd('RemoveMember', { userId: 'bob' }),
    projectCmd('ArchiveProject', {}),
  ])('refuses $type', (command) => {
    spec([]).when(command).thenThrows('PROJECT.NOT_FOUND', new RegExp(`Cannot ${command.type}: the project does not exist`));
  });
});
