import { projectDecider } from '../../src/project/project.decide.js';
import type { ProjectState } from '../../src/project/project.state.js';
import { deciderSpecification } from '../support/decider-specification.js';
import { NOW, later, projectCmd, projectEv, projectRegistered } from '../support/project-fixtures.js';

const spec = deciderSpecification(projectDecider);

const configured = () => [
  projectRegistered({
    defaultFlow: 'quick',
    settings: { integration: 'merge', maxConcurrentJobs: 4, budget: { maxCostUsd: 10 }, webhookUrl: 'https://hooks.example.com/a', setupScript: 'setup.sh' },
  }),
];

const update = (data: Parameters<typeof projectCmd<'UpdateProject'>>[1]) => projectCmd('UpdateProject', data, { now: later(60) });

const projectOf = (state: ProjectState) => {
  if (state.status === 'Initial') throw new Error('no project');
  return state.project;
};

describe('an active project', () => {
  it('records only the fields a patch changes, and takes them on', () => {
    spec(configured())
      .when(update({ name: 'Shop', remote: 'git@github.com:acme/shop-v2.git', baseBranch: 'main', settings: { integration: 'pr', maxConcurrentJobs: 4 } }))
      .thenState((state, decided) => {
        expect(decided).toEqual([
          projectEv('ProjectUpdated', { changes: { remote: 'git@github.com:acme/shop-v2.git', settings: { integration: 'pr' } }, at: later(60) }),
        ]);
        expect(projectOf(state)).toMatchObject({
          name: 'Shop',
          remote: 'git@github.com:acme/shop-v2.git',
          settings: { integration: 'pr', maxConcurrentJobs: 4, budget: { maxCostUsd: 10 } },
          createdAt: NOW,
          updatedAt: later(60),
        });
      });
  });

  it('appends nothing for a patch that changes nothing', () => {
    spec(configured())
      .when(update({ name: ' Shop ', defaultFlow: 'quick', settings: { budget: { maxCostUsd: 10 }, webhookUrl: 'https://hooks.example.com/a' } }))
      .thenNothingHappened();
  });

  it('appends nothing for an empty patch', () => {
    spec(configured()).when(update({})).thenNothingHappened();
  });

  it('clears optional fields given as null, and forgets them', () => {
    spec(configured())
      .when(update({ defaultFlow: null, settings: { budget: null, webhookUrl: null, setupScript: null, maxConcurrentJobs: null } }))
      .thenState((state, decided) => {
        expect(decided).toEqual([
          projectEv('ProjectUpdated', {
            changes: { defaultFlow: null, settings: { maxConcurrentJobs: null, budget: null, webhookUrl: null, setupScript: null } },
            at: later(60),
          }),
        ]);
        const project = projectOf(state);
        expect(project.defaultFlow).toBeUndefined();
        expect(project.settings).toEqual({ integration: 'merge' });
      });
  });

  it('clears nothing that was never set', () => {
    spec([projectRegistered()]).when(update({ defaultFlow: null, settings: { budget: null, webhookUrl: null } })).thenNothingHappened();
  });

  it('replaces the budget as a whole', () => {
    spec(configured())
      .when(update({ settings: { budget: { maxTokens: 500_000 } } }))
      .thenState((state, decided) => {
        expect(decided).toEqual([projectEv('ProjectUpdated', { changes: { settings: { budget: { maxTokens: 500_000 } } }, at: later(60) })]);
        expect(projectOf(state).settings.budget).toEqual({ maxTokens: 500_000 });
      });
  });

  it('treats a budget patched to no limits as clearing it', () => {
    spec(configured())
      .when(update({ settings: { budget: {} } }))
      .then([projectEv('ProjectUpdated', { changes: { settings: { budget: null } }, at: later(60) })]);
  });

  it.each([
    ['name', { name: '' }, /name must not be blank/],
    ['remote', { remote: 'https://bob:hunter2@github.com/acme/shop.git' }, /secrets must never reach the event log/],
    ['baseBranch', { baseBranch: 'bad branch' }, /not a valid git branch name/],
    ['settings.maxConcurrentJobs', { settings: { maxConcurrentJobs: -2 } }, /positive whole number/],
    ['settings.budget.maxCostUsd', { settings: { budget: { maxCostUsd: 0 } } }, /positive amount/],
    ['settings.webhookUrl', { settings: { webhookUrl: 'mailto:ops@example.com' } }, /http:\/\/ or https:\/\//],
  ])('refuses a bad %s, naming it', (field, data, message) => {
    spec(configured()).when(update(data)).thenThrows('PROJECT.VALIDATION', message, { field });
  });
});

describe('an archived project', () => {
  it('refuses an update', () => {
    spec([...configured(), projectEv('ProjectArchived', { at: NOW })])
      .when(update({ name: 'Shop 2' }))
      .thenThrows('PROJECT.ILLEGAL_TRANSITION', /Cannot update project shop: it is archived/);
  });
});
