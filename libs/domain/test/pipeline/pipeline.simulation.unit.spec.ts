import type { AgentRunJob, Job } from '../../src/pipeline/pipeline.types.js';
import type { AgentOutput, ProposedSubtrak } from '../../src/trak/trak.values.js';
import type { FlowDefinition } from '../../src/workflow/workflow.types.js';
import { created, defaultFlow, newId } from '../support/fixtures.js';
import type { RunnerScript, SimulationOptions } from '../support/pipeline-support.js';
import { Simulation, approveEverythingWaiting } from '../support/pipeline-support.js';

/**
 * The pipeline and the decider together, with scripted runners and no I/O: a Trak on the
 * default flow splits into two Subtraks (the second depends on the first); every Trak's gate
 * fails once and its review rejects once (back to work) before everything passes.
 */

const autoMergeFlow: FlowDefinition = { ...defaultFlow, integration: { ...defaultFlow.integration, autoMerge: true } };

const proposal: readonly ProposedSubtrak[] = [
  { title: 'Schema', description: 'Add the health table', detailedInstructions: 'Create table health(id, status)', dependsOn: [] },
  { title: 'Endpoint', description: 'Serve /health', detailedInstructions: 'Add GET /health reading the table', dependsOn: [0] },
];

function scriptedRunners(): RunnerScript {
  const counts = new Map<string, number>();
  const nth = (key: string): number => {
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    return n;
  };
  return {
    agent(job: AgentRunJob): AgentOutput {
      switch (job.stage.name) {
        case 'planning':
          return { type: 'artifact', content: 'The plan' };
        case 'breakdown':
          return { type: 'subtasks', content: 'Two steps: schema, then endpoint', subtasks: proposal };
        case 'work':
          return { type: 'artifact', content: `${job.trak.title}: implemented (iteration ${job.iteration})` };
        case 'review':
          return nth(`${job.trakId}/review`) === 1
            ? { type: 'approval', decision: 'reject', content: 'Tests are missing', routeTo: 'work' }
            : { type: 'approval', decision: 'approve', content: 'Looks good' };
        case 'compound':
          return { type: 'artifact', content: 'Learnings' };
        default:
          throw new Error(`no script for stage ${job.stage.name}`);
      }
    },
    gate(job) {
      return nth(`${job.trakId}/gate`) === 1 ? { exitCode: 1, output: 'FAIL health.spec.ts' } : { exitCode: 0, output: 'all green' };
    },
    integration(job) {
      return { kind: 'merged', mergeCommit: `merge-of-${job.trakId}` };
    },
  };
}

const jobIdsOf = (jobs: readonly Job[], trakId: string): string[] => jobs.filter((j) => j.trakId === trakId).map((j) => j.jobId);

/** The jobs of one pass through the subtask flow (work=0, review=1): gate fails once, review rejects once. */
const subtrakJobs = (id: string): string[] => [
  `${id}_a0_1`, // work
  `${id}_g0_1`, // gate fails
  `${id}_a0_2`, // work again, resuming its session
  `${id}_g0_2`, // gate passes
  `${id}_a1_1`, // review rejects, back to work
  `${id}_a0_3`, // work in a fresh session with the feedback
  `${id}_g0_3`, // gate passes
  `${id}_a1_2`, // review approves
  `${id}_i1`, // merged into the parent branch
];

const parentJobs = (id: string, integrated: boolean): string[] => [
  `${id}_a0_1`, // planning
  `${id}_a1_1`, // breakdown into two Subtraks
  `${id}_a2_1`, // work, once both Subtraks are merged
  `${id}_g2_1`,
  `${id}_a2_2`,
  `${id}_g2_2`,
  `${id}_a3_1`,
  `${id}_a2_3`,
  `${id}_g2_3`,
  `${id}_a3_2`,
  `${id}_a4_1`, // compound
  ...(integrated ? [`${id}_i1`] : []),
];

function start(options: { autoMode: boolean; flow: FlowDefinition } & SimulationOptions) {
  const sim = new Simulation(scriptedRunners(), options);
  const parentId = newId();
  sim.command(parentId, { type: 'CreateTrak', data: created({ trakId: parentId, autoMode: options.autoMode, flow: options.flow }).data });
  return { sim, parentId, s1: `${parentId}-s1`, s2: `${parentId}-s2` };
}

describe('a Trak in auto mode on a flow that merges on its own', () => {
  const run = () => start({ autoMode: true, flow: autoMergeFlow });

  it('ends archived, with both Subtraks archived, without a person', () => {
    const { sim, parentId, s1, s2 } = run();
    expect(sim.trakIds().sort()).toEqual([parentId, s1, s2].sort());
    expect([parentId, s1, s2].map((id) => sim.state(id).status)).toEqual(['Archived', 'Archived', 'Archived']);
    expect(sim.ignored).toEqual([]);
    expect([...sim.completed].sort()).toEqual([parentId, s1, s2].sort());
  });

  it('runs every job once, in the order the flow and the scripted failures imply', () => {
    const { sim, parentId, s1, s2 } = run();
    const ids = sim.sentJobs.map((j) => j.jobId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(jobIdsOf(sim.sentJobs, parentId)).toEqual(parentJobs(parentId, true));
    expect(jobIdsOf(sim.sentJobs, s1)).toEqual(subtrakJobs(s1));
    expect(jobIdsOf(sim.sentJobs, s2)).toEqual(subtrakJobs(s2));
  });

  it('starts the second Subtrak only after the first was merged, and the parent work only after both', () => {
    const { sim, parentId, s1, s2 } = run();
    const merged = (id: string) => sim.indexOf((e) => e.trakId === id && e.event.type === 'IntegrationSucceeded');
    const firstQueued = (id: string, stage: string) => sim.indexOf((e) => e.trakId === id && e.event.type === 'StageQueued' && e.event.data.stage === stage);
    expect(merged(s1)).toBeGreaterThan(-1);
    expect(sim.indexOf((e) => e.trakId === s2 && e.event.type === 'TrakCreated')).toBeLessThan(merged(s1));
    expect(firstQueued(s2, 'work')).toBeGreaterThan(merged(s1));
    expect(firstQueued(parentId, 'work')).toBeGreaterThan(merged(s2));
  });

  it("tells each Subtrak its own instructions and its sibling, and bases it on the parent's branch", () => {
    const { sim, parentId, s2 } = run();
    const first = sim.sentJobs.find((j): j is AgentRunJob => j.kind === 'agent-run' && j.trakId === s2);
    expect(first?.artifacts).toEqual([expect.objectContaining({ name: 'breakdown', content: 'Add GET /health reading the table' })]);
    expect(first?.siblings.map((s) => s.trakId)).toEqual([`${parentId}-s1`]);
    const parent = sim.state(parentId);
    if (parent.status === 'Initial') throw new Error('no parent');
    expect(first?.repo.baseBranch).toBe(parent.trak.branch);
  });

  it('resumes the session after a gate failure and starts a fresh one after the review rejection', () => {
    const { sim, s1 } = run();
    const work = sim.sentJobs.filter((j): j is AgentRunJob => j.kind === 'agent-run' && j.trakId === s1 && j.stage.name === 'work');
    expect(work.map((j) => [j.trigger?.kind, j.session.mode])).toEqual([
      [undefined, 'new'],
      ['gate_failure', 'resume'],
      ['rejection', 'new'],
    ]);
    expect(work[1]?.session).toEqual({ mode: 'resume', sessionId: `session-${s1}_a0_1` });
    expect(work[2]?.trigger).toEqual({ kind: 'rejection', fromStage: 'review', feedback: 'Tests are missing' });
  });

  it('leaves every deadline timer stale once the work is over', () => {
    const { sim } = run();
    const timers = sim.timers.length;
    expect(timers).toBe(sim.sentJobs.filter((j) => j.kind !== 'integration').length);
    const outputs = sim.fireTimers();
    expect(outputs).toHaveLength(timers);
    expect(outputs.every((o) => o.kind === 'ignore' && o.reason === 'StaleJob')).toBe(true);
  });

  it('ends the same way when every runner result is delivered twice', () => {
    const once = run();
    const twice = start({ autoMode: true, flow: autoMergeFlow, deliverResultsTwice: true });
    expect([twice.parentId, twice.s1, twice.s2].map((id) => twice.sim.state(id).status)).toEqual(['Archived', 'Archived', 'Archived']);
    expect(jobIdsOf(twice.sim.sentJobs, twice.s1)).toEqual(subtrakJobs(twice.s1));
    expect(twice.sim.sentJobs).toHaveLength(once.sim.sentJobs.length);
    expect(twice.sim.log.length).toBe(once.sim.log.length);
    const reasons = new Set(twice.sim.ignored.map((i) => i.reason));
    expect([...reasons].sort()).toEqual(['Duplicate', 'StaleJob']);
  });
});

describe('a Trak in manual mode on a flow that waits for a person to merge', () => {
  const run = () => {
    const started = start({ autoMode: false, flow: defaultFlow });
    const approvals = approveEverythingWaiting(started.sim);
    return { ...started, approvals };
  };

  it('waits for a person at every review, including to confirm each agent rejection', () => {
    const { parentId, s1, s2, approvals } = run();
    const name = (id: string) => (id === parentId ? 'parent' : id === s1 ? 's1' : id === s2 ? 's2' : id);
    const pass = (who: string) => [`${who} work AwaitingApproval`, `${who} review AwaitingRejectionConfirmation`, `${who} work AwaitingApproval`, `${who} review AwaitingApproval`];
    expect(approvals.map((a) => `${name(a.trakId)} ${a.stage} ${a.status}`)).toEqual([
      'parent planning AwaitingApproval',
      'parent breakdown AwaitingApproval',
      ...pass('s1'),
      ...pass('s2'),
      ...pass('parent'),
      'parent compound AwaitingApproval',
    ]);
  });

  it('leaves the parent Done for a person to merge once both Subtraks are archived', () => {
    const { sim, parentId, s1, s2 } = run();
    expect([parentId, s1, s2].map((id) => sim.state(id).status)).toEqual(['Done', 'Archived', 'Archived']);
    expect(sim.ignored).toEqual([{ trakId: parentId, reason: 'AwaitingHuman', detail: expect.any(String) }]);
    expect(jobIdsOf(sim.sentJobs, parentId)).toEqual(parentJobs(parentId, false));
  });

  it('archives the parent when a person asks for the merge', () => {
    const { sim, parentId } = run();
    sim.command(parentId, { type: 'RequestIntegration', data: { jobId: `${parentId}_i1`, mode: 'merge' } });
    expect(sim.state(parentId).status).toBe('Archived');
    const ids = sim.sentJobs.map((j) => j.jobId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.at(-1)).toBe(`${parentId}_i1`);
  });
});
