import { projectDecider } from '../../src/project/project.decide.js';
import type { ProjectCommand } from '../../src/project/project.commands.js';
import type { ProjectEvent } from '../../src/project/project.events.js';
import type { ProjectState } from '../../src/project/project.state.js';
import { webhookUrlAfter } from '../../src/project/project.webhook.js';
import { projectCmd } from '../support/project-fixtures.js';

const register = (webhookUrl?: string) =>
  projectCmd('RegisterProject', {
    projectId: 'shop',
    name: 'Shop',
    remote: 'https://github.com/acme/shop.git',
    baseBranch: 'main',
    settings: webhookUrl === undefined ? {} : { webhookUrl },
  });
const setUrl = (webhookUrl: string | null) => projectCmd('UpdateProject', { settings: { webhookUrl } });

/** Runs the commands through the decider; returns every event and the URL evolveProject ends with. */
function play(...commands: ProjectCommand[]): { events: ProjectEvent[]; url: string | undefined } {
  let state: ProjectState = projectDecider.initialState();
  const events: ProjectEvent[] = [];
  for (const command of commands) {
    const decided = projectDecider.decide(command, state);
    events.push(...decided);
    state = decided.reduce(projectDecider.evolve, state);
  }
  return { events, url: state.status === 'Initial' ? undefined : state.project.settings.webhookUrl };
}

describe("a project's webhook URL followed event by event", () => {
  it.each([
    ['registered without one', [register()]],
    ['registered with one', [register('https://hooks.example.com/a')]],
    ['given one later', [register(), setUrl('https://hooks.example.com/a')]],
    ['given another', [register('https://hooks.example.com/a'), setUrl('https://hooks.example.com/b')]],
    ['cleared', [register('https://hooks.example.com/a'), setUrl(null)]],
    ['left alone by other changes', [register('https://hooks.example.com/a'), projectCmd('UpdateProject', { name: 'Shop 2', settings: { integration: 'pr' } }), projectCmd('SetMemberRole', { userId: 'bob', role: 'viewer' }), projectCmd('ArchiveProject', {})]],
  ])('agrees with the project as evolveProject folds it when %s', (_what, commands) => {
    const { events, url } = play(...commands);
    expect(events.reduce<string | undefined>(webhookUrlAfter, undefined)).toBe(url);
  });

  it('is the URL the project was registered with, then the one set last, then none once cleared', () => {
    const { events } = play(register('https://hooks.example.com/a'), setUrl('https://hooks.example.com/b'), setUrl(null));
    const urls: (string | undefined)[] = [];
    events.reduce<string | undefined>((url, event) => {
      const next = webhookUrlAfter(url, event);
      urls.push(next);
      return next;
    }, undefined);
    expect(urls).toEqual(['https://hooks.example.com/a', 'https://hooks.example.com/b', undefined]);
  });
});
