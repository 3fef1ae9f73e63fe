import { chooseDispatch } from '../../src/pipeline/dispatch-policy.js';
import type { ConcurrencyLimits, InFlight, QueuedJob } from '../../src/pipeline/dispatch-policy.js';
import { trakIdOfJob } from '../../src/trak/trak.ids.js';
import { canTake } from '../../src/workflow/runner-labels.js';

const NOW = '2026-11-24T10:00:00.000Z';
const idle: InFlight = { total: 0, byProject: {}, byAgent: {} };
const roomy: ConcurrencyLimits = { global: 100, perProject: 100 };

let seq = 0;
const agentRun = (projectId: string, jobId: string, agent: 'claudecode' | 'opencode' = 'claudecode'): QueuedJob => ({ jobId, projectId, kind: 'agent-run', agent, seq: ++seq });
const gateRun = (projectId: string, jobId: string): QueuedJob => ({ jobId, projectId, kind: 'gate-run', seq: ++seq });
const ids = (jobs: readonly QueuedJob[]): string[] => jobs.map((j) => j.jobId);

describe('choosing which queued jobs to send', () => {
  it('lets projects take turns, so a project with many Traks does not starve one with a single Trak', () => {
    const busy = Array.from({ length: 500 }, (_, i) => agentRun('big', `big-${i}`));
    const queued = [...busy, agentRun('small', 'small-0')];

    const choice = chooseDispatch(queued, idle, { global: 4, perProject: 100 }, {}, NOW);

    expect(ids(choice.dispatch)).toEqual(['big-0', 'small-0', 'big-1', 'big-2']);
  });

  it('sends first for the project with fewer jobs already out', () => {
    const queued = [agentRun('big', 'big-3'), agentRun('big', 'big-4'), agentRun('small', 'small-1')];
    const inFlight: InFlight = { total: 1, byProject: { big: 1 }, byAgent: { claudecode: 1 } };

    expect(ids(chooseDispatch(queued, inFlight, { global: 2, perProject: 10 }, {}, NOW).dispatch)).toEqual(['small-1']);
  });

  it('keeps each project and each agent kind within its limit, counting what is already out', () => {
    const queued = [agentRun('a', 'a-1'), agentRun('a', 'a-2'), agentRun('b', 'b-1', 'opencode'), agentRun('b', 'b-2', 'opencode'), gateRun('b', 'b-gate')];
    const inFlight: InFlight = { total: 2, byProject: { a: 1, b: 1 }, byAgent: { claudecode: 1, opencode: 1 } };

    const choice = chooseDispatch(queued, inFlight, { global: 10, perProject: 2, projects: { b: 3 }, perAgent: { opencode: 2 } }, {}, NOW);

    // a may have one more; b two more, but only one more opencode run; the gate needs no agent.
    expect(ids(choice.dispatch)).toEqual(['a-1', 'b-1', 'b-gate']);
  });

  it('holds a rate-limited agent kind until its reset and says when to look again; other kinds go', () => {
    const queued = [agentRun('a', 'claude-1'), agentRun('a', 'opencode-1', 'opencode'), gateRun('a', 'gate-1')];

    const held = chooseDispatch(queued, idle, roomy, { claudecode: '2026-11-24T10:05:00.000Z' }, NOW);
    expect(ids(held.dispatch)).toEqual(['opencode-1', 'gate-1']);
    expect(held.wakeAt).toBe('2026-11-24T10:05:00.000Z');

    const later = chooseDispatch(queued, idle, roomy, { claudecode: '2026-11-24T10:05:00.000Z' }, '2026-11-24T10:05:00.001Z');
    expect(ids(later.dispatch)).toEqual(['claude-1', 'opencode-1', 'gate-1']);
    expect(later.wakeAt).toBeUndefined();
  });

  it('sends nothing while the global limit is reached', () => {
    const choice = chooseDispatch([gateRun('a', 'g')], { total: 3, byProject: {}, byAgent: {} }, { global: 3, perProject: 10 }, {}, NOW);
    expect(choice.dispatch).toEqual([]);
  });
});

describe('the Trak of a job id', () => {
  it('reads agent runs, gate runs and integrations, Subtraks included, and refuses other ids', () => {
    expect(trakIdOfJob('8f1c_a2_3')).toBe('8f1c');
    expect(trakIdOfJob('8f1c-s2_g0_1')).toBe('8f1c-s2');
    expect(trakIdOfJob('t_1_i2')).toBe('t_1');
    expect(trakIdOfJob('not-a-job')).toBeUndefined();
  });
});

describe('choosing jobs that need runner labels', () => {
  const labelled = (jobId: string, runsOn: string[], agent: 'claudecode' | 'opencode' = 'claudecode'): QueuedJob => ({ ...agentRun('p', jobId, agent), runsOn });
  const gpuBox = { name: 'gpu-box', labels: ['gpu', 'linux'], agents: ['claudecode' as const] };
  const linuxBox = { name: 'linux-box', labels: ['linux'], agents: ['claudecode' as const, 'opencode' as const] };

  it('sends a job to the runners when a live runner has all its labels and its agent CLI', () => {
    const choice = chooseDispatch([labelled('train', ['gpu'])], idle, roomy, {}, NOW, [linuxBox, gpuBox]);
    expect(ids(choice.dispatch)).toEqual(['train']);
    expect(choice.waitingForRunner).toEqual([]);
  });

  it('keeps a job queued, taking no slot, while no live runner has every label it needs or its agent CLI', () => {
    const queued = [labelled('train', ['gpu', 'big-memory']), labelled('oc-train', ['gpu'], 'opencode'), agentRun('p', 'plain')];
    const choice = chooseDispatch(queued, idle, { global: 1, perProject: 1 }, {}, NOW, [linuxBox, gpuBox]);
    expect(ids(choice.dispatch)).toEqual(['plain']);
    expect(ids(choice.waitingForRunner)).toEqual(['train', 'oc-train']);
  });

  it('says which jobs wait for a runner even when the limits send nothing', () => {
    const full: InFlight = { total: 1, byProject: { p: 1 }, byAgent: {} };
    const choice = chooseDispatch([agentRun('p', 'plain'), labelled('train', ['gpu'])], full, { global: 1, perProject: 5 }, {}, NOW, [linuxBox]);
    expect(ids(choice.dispatch)).toEqual([]);
    expect(ids(choice.waitingForRunner)).toEqual(['train']);
  });

  it('lets a job that needs no label go with no runner registered, as before labels', () => {
    const choice = chooseDispatch([gateRun('p', 'gate')], idle, roomy, {}, NOW, []);
    expect(ids(choice.dispatch)).toEqual(['gate']);
  });

  it('matches labels without regard to case or order', () => {
    expect(canTake(gpuBox, { labels: ['LINUX', 'gpu'] })).toBe(true);
    expect(canTake(gpuBox, { labels: ['gpu'], agent: 'opencode' })).toBe(false);
  });
});
