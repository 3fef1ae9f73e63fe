import { filtersAccept, filtersOverlap } from '@orkestra/application';
import { MAX_RUNNER_LABELS, canonicalLabels } from '@orkestra/domain';
import { JOBS_STREAM, jobSubject, labelPool, labelSubsets, runnerJobConsumers } from '../src/index.js';

describe('a pool of runner labels', () => {
  it('is one token per set of labels, whatever their case, order or repeats', () => {
    expect(labelPool(['linux', 'GPU', 'gpu'])).toBe('gpu+linux');
    expect(labelPool(['gpu', 'linux'])).toBe(labelPool(['Linux', 'gpu']));
    expect(labelPool([])).toBe('');
  });

  it('joins the labels in the canonical form the domain compares them by', () => {
    const labels = ['Linux', 'gpu', 'GPU', 'arm64', 'linux'];
    expect(labelPool(labels)).toBe(canonicalLabels(labels).join('+'));
  });

  it('keeps a label no runner may have out of subject syntax, so it can never be routed to one', () => {
    expect(labelPool(['big memory', 'a.b', 'x>'])).toBe('a~b+big~memory+x~');
  });
});

describe('the subject of a job', () => {
  it('stays as before labels for a job any runner may take, so runners and jobs from before keep working', () => {
    expect(jobSubject({ kind: 'gate-run' })).toBe('ork.job.gate-run.any');
    expect(jobSubject({ kind: 'agent-run', stage: { agent: { kind: 'claudecode' } } })).toBe('ork.job.agent-run.claudecode');
  });

  it('names the pool of the labels the job needs', () => {
    expect(jobSubject({ kind: 'gate-run', runsOn: ['linux', 'gpu'] })).toBe('ork.job.gate-run.any.gpu+linux');
    expect(jobSubject({ kind: 'integration', runsOn: ['linux'] })).toBe('ork.job.integration.any.linux');
  });

  it("reads an agent run's labels from its stage when the job does not carry them (queued before it did)", () => {
    expect(jobSubject({ kind: 'agent-run', stage: { agent: { kind: 'opencode' }, runsOn: ['GPU'] } })).toBe('ork.job.agent-run.opencode.gpu');
  });
});

describe("a runner's queues", () => {
  const consumers = runnerJobConsumers(['claudecode'], ['linux', 'gpu'], 30_000);

  it('are one per kind of work for each subset of its labels, the empty one keeping the names from before labels', () => {
    expect(labelSubsets(['linux', 'gpu'])).toEqual([[], ['gpu'], ['linux'], ['gpu', 'linux']]);
    expect(consumers.map((c) => [c.durable, c.filterSubjects])).toEqual([
      ['runners-agent-claudecode', ['ork.job.agent-run.claudecode']],
      ['runners-gate', ['ork.job.gate-run.any']],
      ['runners-integration', ['ork.job.integration.any']],
      ['runners-agent-claudecode@gpu', ['ork.job.agent-run.claudecode.gpu']],
      ['runners-gate@gpu', ['ork.job.gate-run.any.gpu']],
      ['runners-integration@gpu', ['ork.job.integration.any.gpu']],
      ['runners-agent-claudecode@linux', ['ork.job.agent-run.claudecode.linux']],
      ['runners-gate@linux', ['ork.job.gate-run.any.linux']],
      ['runners-integration@linux', ['ork.job.integration.any.linux']],
      ['runners-agent-claudecode@gpu+linux', ['ork.job.agent-run.claudecode.gpu+linux']],
      ['runners-gate@gpu+linux', ['ork.job.gate-run.any.gpu+linux']],
      ['runners-integration@gpu+linux', ['ork.job.integration.any.gpu+linux']],
    ]);
    expect(consumers.every((c) => c.stream === JOBS_STREAM.name && c.ackWaitMs === 30_000 && c.filterSubjects?.length === 1)).toBe(true);
  });

  it('never overlap, with each other or with the queues of a runner with other labels, as a work-queue stream requires', () => {
    const others = runnerJobConsumers(['claudecode', 'opencode'], ['gpu', 'big-memory', 'arm64'], 30_000);
    const all = [...consumers, ...others.filter((o) => !consumers.some((c) => c.durable === o.durable))];
    for (const [i, a] of all.entries()) {
      for (const b of all.slice(i + 1)) expect({ pair: [a.durable, b.durable], overlap: filtersOverlap(a.filterSubjects, b.filterSubjects) }).toMatchObject({ overlap: false });
    }
    // A durable shared by both runners reads the same subject for both.
    for (const o of others) {
      const same = consumers.find((c) => c.durable === o.durable);
      if (same !== undefined) expect(same.filterSubjects).toEqual(o.filterSubjects);
    }
  });

  it('take a job exactly when the runner has every label it needs', () => {
    const takers = (runsOn: string[]) => consumers.filter((c) => filtersAccept(c.filterSubjects, jobSubject({ kind: 'gate-run', runsOn }))).map((c) => c.durable);
    expect(takers([])).toEqual(['runners-gate']);
    expect(takers(['GPU'])).toEqual(['runners-gate@gpu']);
    expect(takers(['linux', 'gpu'])).toEqual(['runners-gate@gpu+linux']);
    expect(takers(['gpu', 'big-memory'])).toEqual([]);
    expect(takers(['big-memory'])).toEqual([]);
  });

  it('are refused for more labels than a runner may have, saying why', () => {
    expect(() => runnerJobConsumers([], ['a', 'b', 'c', 'd', 'e'], 30_000)).toThrow(/at most 4 labels; it has 5 \(a, b, c, d, e\)/);
    const most = ['a', 'b', 'c', 'd', 'e'].slice(0, MAX_RUNNER_LABELS);
    expect(labelSubsets(most)).toHaveLength(2 ** most.length);
  });
});
