import { agentRunId, gateRunId, integrationJobId, jobRefOf, trakBranch } from '../../src/trak/trak.ids.js';

describe('the branch of a new Trak', () => {
  it('names the Trak and the words of its title', () => {
    expect(trakBranch('k3v9x2qa', 'Add a /health endpoint!')).toBe('ork/k3v9x2qa-add-a-health-endpoint');
  });

  it('drops accents and anything git or NATS would choke on', () => {
    expect(trakBranch('k3v9x2qa', 'Réparer la file.d’attente * > ~^:?[')).toBe('ork/k3v9x2qa-reparer-la-file-d-attente');
  });

  it('stays within 60 characters without a trailing dash', () => {
    const branch = trakBranch('k3v9x2qa', 'word '.repeat(40));
    expect(branch.length).toBeLessThanOrEqual(60);
    expect(branch).toMatch(/^ork\/k3v9x2qa-word(-word)*$/);
  });

  it('cuts a single overlong word rather than dropping it', () => {
    expect(trakBranch('k3v9x2qa', 'x'.repeat(80))).toBe(`ork/k3v9x2qa-${'x'.repeat(47)}`);
  });

  it('is just the id when the title has no usable word', () => {
    expect(trakBranch('k3v9x2qa', '!!!')).toBe('ork/k3v9x2qa');
  });
});

describe('what a job id says', () => {
  it('names the Trak, the kind of job, and for a run its stage index and iteration', () => {
    expect(jobRefOf(agentRunId('k3v9-s1', 2, 3))).toEqual({ trakId: 'k3v9-s1', kind: 'agent-run', stageIndex: 2, iteration: 3 });
    expect(jobRefOf(gateRunId('k3v9', 0, 1))).toEqual({ trakId: 'k3v9', kind: 'gate-run', stageIndex: 0, iteration: 1 });
    expect(jobRefOf(integrationJobId('k3v9', 2))).toEqual({ trakId: 'k3v9', kind: 'integration' });
  });

  it('knows nothing of an id it did not make', () => {
    expect(jobRefOf('some-random-id')).toBeUndefined();
  });
});
