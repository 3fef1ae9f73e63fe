import { decidePipeline } from '../../src/pipeline/pipeline.decide.js';
import type { AgentRunJob } from '../../src/pipeline/pipeline.types.js';
import type { TrakEvent } from '../../src/trak/trak.events.js';
import type { ProposedSubtrak } from '../../src/trak/trak.values.js';
import type { FlowDefinition } from '../../src/workflow/workflow.types.js';
import { cmd, currentRunId, defaultFlow, historyOf, stage, stateOf, subtaskFlow } from '../support/fixtures.js';
import {
  childCreations,
  childHistory,
  eventInput,
  followPipeline,
  onlyOutput,
  stamped,
  subtrakDone,
  trakIdOf,
  trakOf,
  twoSubtasks,
  waitingOnChildren,
  whenLastEvent,
} from '../support/pipeline-support.js';
import { artifact, newTrak, ran } from '../support/scenarios.js';

const task = (title: string, dependsOn: number[] = []): ProposedSubtrak => ({ title, description: `${title} description`, detailedInstructions: `How to do ${title}`, dependsOn });

function agentJobOf(events: readonly TrakEvent[]): AgentRunJob {
  const job = onlyOutput(decidePipeline(eventInput(events[events.length - 1]!), stateOf(events)), 'send-job').job;
  if (job.kind !== 'agent-run') throw new Error(`expected an agent-run job, got ${job.kind}`);
  return job;
}

describe('a parent that just created two Subtraks', () => {
  it("creates each Subtrak on its own stream with the subtask flow, the parent's branch as base and its own instructions", () => {
    const events = waitingOnChildren();
    const id = trakIdOf(events);
    const { branch } = trakOf(events);
    const [s1, s2] = [`${id}-s1`, `${id}-s2`];
    const parent = {
      trakId: id,
      branch,
      siblings: [
        { trakId: s1, title: 'Schema', description: 'Add the health table', dependsOn: [] },
        { trakId: s2, title: 'Endpoint', description: 'Serve /health', dependsOn: [s1] },
      ],
    };
    // The Subtrak also records the parent's flow, so a subtask flow may split work with it in turn.
    const subtaskFlows = { subtask: subtaskFlow, default: defaultFlow };
    const common = { projectId: 'project-1', flow: subtaskFlow, subtaskFlows, baseBranch: branch, autoMode: false, parent };
    whenLastEvent(events, 'SubtraksCreated').then([
      {
        kind: 'command',
        trakId: s1,
        command: {
          type: 'CreateTrak',
          data: { trakId: s1, title: 'Schema', description: 'Add the health table', branch: `${branch}-s1`, dependsOn: [], initialArtifacts: { breakdown: 'Create table health(id, status)' }, ...common },
        },
      },
      {
        kind: 'command',
        trakId: s2,
        command: {
          type: 'CreateTrak',
          data: { trakId: s2, title: 'Endpoint', description: 'Serve /health', branch: `${branch}-s2`, dependsOn: [s1], initialArtifacts: { breakdown: 'Add GET /health reading the table' }, ...common },
        },
      },
    ]);
  });

  it('asks for Subtraks the decider creates: the first queued at the subtask flow, the second waiting on the first', () => {
    const events = waitingOnChildren();
    const id = trakIdOf(events);
    const first = childHistory(events, 1);
    const second = childHistory(events, 2);
    expect(stateOf(first)).toMatchObject({ status: 'Queued', current: { stage: 'work', iteration: 1 }, trak: { parent: { trakId: id }, flow: { name: 'subtask' } } });
    expect(stateOf(second)).toMatchObject({ status: 'WaitingOnDependencies', waitingFor: [`${id}-s1`] });
    expect(childCreations(events).size).toBe(2);
  });

  it('lets the Subtraks inherit auto mode', () => {
    const parent = ran(newTrak({ autoMode: true }), artifact('Plan'));
    const events = ran(parent, { type: 'subtasks', content: 'Design', subtasks: twoSubtasks });
    expect(stateOf(events).status).toBe('WaitingOnChildren');
    for (const creation of childCreations(events).values()) expect(creation.data.autoMode).toBe(true);
  });

  it("lets the Subtraks inherit the project's repository, and their jobs carry it", () => {
    const repository = { remote: '/srv/git/shop.git', setupScript: 'setup.sh' };
    const events = waitingOnChildren(twoSubtasks, { repository });
    for (const creation of childCreations(events).values()) expect(creation.data.repository).toEqual(repository);
    expect(agentJobOf(followPipeline(childHistory(events, 1))).repository).toEqual(repository);
  });

  it("names each Subtrak's instructions after the breakdown stage's artifact", () => {
    const flow: FlowDefinition = {
      ...defaultFlow,
      stages: defaultFlow.stages.map((s) => (s.name === 'breakdown' ? stage('breakdown', { artifact: 'tasks', subtasks: { flow: 'subtask' } }) : s)),
    };
    const events = waitingOnChildren(twoSubtasks, { flow });
    for (const creation of childCreations(events).values()) expect(Object.keys(creation.data.initialArtifacts ?? {})).toEqual(['tasks']);
  });

  it('gives a Subtrak whose breakdown names the parent flow that same flow', () => {
    const selfSplitting: FlowDefinition = {
      ...defaultFlow,
      name: 'recursive',
      stages: defaultFlow.stages.map((s) => (s.name === 'breakdown' ? { ...s, subtasks: { flow: 'recursive' } } : s)),
    };
    const events = waitingOnChildren(twoSubtasks, { flow: selfSplitting, subtaskFlows: {} });
    for (const creation of childCreations(events).values()) expect(creation.data.flow.name).toBe('recursive');
    expect(stateOf(childHistory(events, 1))).toMatchObject({ status: 'Queued', current: { stage: 'planning' } });
  });
});

describe("a Subtrak's first agent run (ORKESTRA-SPEC §9 item 6)", () => {
  const firstRun = () => {
    const parent = waitingOnChildren();
    return { parent, child: followPipeline(childHistory(parent, 1)) };
  };

  it('carries its own instructions as an artifact, though its flow has no breakdown stage', () => {
    const { child } = firstRun();
    const job = agentJobOf(child);
    expect(job.stage.name).toBe('work');
    expect(job.workflow.map((w) => w.stage)).toEqual(['work', 'review']);
    expect(job.artifacts).toEqual([expect.objectContaining({ name: 'breakdown', content: 'Create table health(id, status)' })]);
  });

  it('lists its siblings but not itself, and names its parent', () => {
    const { parent, child } = firstRun();
    const id = trakIdOf(parent);
    const job = agentJobOf(child);
    expect(job.trak).toEqual({ title: 'Schema', description: 'Add the health table', parentId: id });
    expect(job.siblings).toEqual([{ trakId: `${id}-s2`, title: 'Endpoint', description: 'Serve /health', dependsOn: [`${id}-s1`] }]);
    expect(job.repo.baseBranch).toBe(trakOf(parent).branch);
  });
});

describe('a parent whose Subtrak just completed', () => {
  const four = [task('A'), task('B', [0]), task('C', [0, 1]), task('D')];

  it('tells each pending sibling that depended on it, and only those', () => {
    const parent = waitingOnChildren(four);
    const id = trakIdOf(parent);
    const events = historyOf(parent, cmd('RecordSubtrakCompleted', { subtrakId: `${id}-s1` }));
    whenLastEvent(events, 'SubtrakCompleted').then([
      { kind: 'command', trakId: `${id}-s2`, command: { type: 'RecordDependencyCompleted', data: { dependencyId: `${id}-s1` } } },
      { kind: 'command', trakId: `${id}-s3`, command: { type: 'RecordDependencyCompleted', data: { dependencyId: `${id}-s1` } } },
    ]);
  });

  it('tells nobody when no pending sibling depended on it', () => {
    const parent = waitingOnChildren(four);
    const id = trakIdOf(parent);
    whenLastEvent(historyOf(parent, cmd('RecordSubtrakCompleted', { subtrakId: `${id}-s4` })), 'SubtrakCompleted').thenNothingHappened();
  });

  it('starts the dependent Subtrak once its dependency was integrated', () => {
    const waiting = waitingOnChildren();
    const id = trakIdOf(waiting);
    const afterFirst = historyOf(waiting, cmd('RecordSubtrakCompleted', { subtrakId: `${id}-s1` }));
    const notice = onlyOutput(decidePipeline(eventInput(afterFirst[afterFirst.length - 1]!), stateOf(afterFirst)), 'command');
    const second = historyOf(childHistory(waiting, 2), stamped(notice.command));
    expect(stateOf(second)).toMatchObject({ status: 'Queued', current: { stage: 'work', iteration: 1 } });
  });
});

describe('a Subtrak that was just merged into its parent branch', () => {
  const merged = () => {
    const parent = waitingOnChildren();
    let child = followPipeline(subtrakDone(childHistory(parent, 1)));
    child = historyOf(child, cmd('RecordIntegrationResult', { jobId: `${trakIdOf(child)}_i1`, result: { kind: 'merged', mergeCommit: 'c0ffee' } }));
    return { parent, child };
  };

  it('tells its parent it completed, and completes', () => {
    const { parent, child } = merged();
    whenLastEvent(child, 'IntegrationSucceeded').then([
      { kind: 'command', trakId: trakIdOf(parent), command: { type: 'RecordSubtrakCompleted', data: { subtrakId: `${trakIdOf(parent)}-s1` } } },
      { kind: 'complete' },
    ]);
  });

  it('asks for a notice the parent records', () => {
    const { parent, child } = merged();
    const notice = onlyOutput(decidePipeline(eventInput(child[child.length - 1]!), stateOf(child)), 'command');
    const after = historyOf(parent, stamped(notice.command));
    expect(stateOf(after)).toMatchObject({ status: 'WaitingOnChildren', trak: { subtraks: [{ status: 'completed' }, { status: 'pending' }] } });
  });
});

describe('a top-level Trak that was just merged', () => {
  it('only completes', () => {
    const flow: FlowDefinition = { ...defaultFlow, integration: { ...defaultFlow.integration, autoMerge: true } };
    const done = historyOf(
      // A one-stage flow keeps the walk short: planning approved is Done.
      ran(newTrak({ flow: { ...flow, stages: [defaultFlow.stages[0]!] }, subtaskFlows: {} }), artifact('Plan')),
      cmd('Approve', {}),
    );
    const events = historyOf(followPipeline(done), cmd('RecordIntegrationResult', { jobId: `${trakIdOf(done)}_i1`, result: { kind: 'merged' } }));
    whenLastEvent(events, 'IntegrationSucceeded').then([{ kind: 'complete' }]);
  });
});

describe('a Subtrak that just failed or was blocked', () => {
  const running = () => {
    const parent = waitingOnChildren();
    return { parent, child: followPipeline(childHistory(parent, 1)) };
  };

  it('tells its parent it failed, with the reason it was blocked', () => {
    const { parent, child } = running();
    const events = historyOf(child, cmd('RecordAgentRunResult', { runId: currentRunId(child), output: { type: 'blocked', reason: 'needs DB credentials' } }));
    whenLastEvent(events, 'TrakBlocked').then([
      { kind: 'command', trakId: trakIdOf(parent), command: { type: 'RecordSubtrakFailed', data: { subtrakId: `${trakIdOf(parent)}-s1`, reason: 'needs DB credentials' } } },
    ]);
  });

  it('tells its parent it failed, with the error', () => {
    const { parent, child } = running();
    const events = historyOf(child, cmd('RecordAgentRunResult', { runId: currentRunId(child), output: { type: 'failed', error: 'cannot compile' } }));
    whenLastEvent(events, 'TrakFailed').then([
      {
        kind: 'command',
        trakId: trakIdOf(parent),
        command: { type: 'RecordSubtrakFailed', data: { subtrakId: `${trakIdOf(parent)}-s1`, reason: 'The agent reported a failure: cannot compile' } },
      },
    ]);
  });

  it('asks for a notice that blocks the parent, naming the Subtrak (ORKESTRA-SPEC §9 item 5)', () => {
    const { parent, child } = running();
    const events = historyOf(child, cmd('RecordAgentRunResult', { runId: currentRunId(child), output: { type: 'blocked', reason: 'needs DB credentials' } }));
    const notice = onlyOutput(decidePipeline(eventInput(events[events.length - 1]!), stateOf(events)), 'command');
    expect(stateOf(historyOf(parent, stamped(notice.command)))).toMatchObject({
      status: 'Blocked',
      reason: 'SubtrakFailed',
      detail: `Subtrak "Schema" (${trakIdOf(parent)}-s1) failed: needs DB credentials`,
    });
  });

  it('tells nobody when a top-level Trak is blocked', () => {
    const events = followPipeline(newTrak());
    const blocked = historyOf(events, cmd('RecordAgentRunResult', { runId: currentRunId(events), output: { type: 'blocked', reason: 'no access' } }));
    whenLastEvent(blocked, 'TrakBlocked').thenNothingHappened();
  });
});

describe('a Subtrak cancelled on its own by a person', () => {
  it('tells its parent, which would otherwise wait on it for ever', () => {
    const parent = waitingOnChildren();
    const child = historyOf(childHistory(parent, 1), cmd('Cancel', { reason: 'not needed' }));
    const outputs = decidePipeline(eventInput(child[child.length - 1]!), stateOf(child));
    expect(outputs).toContainEqual(expect.objectContaining({ kind: 'command', trakId: trakIdOf(parent), command: expect.objectContaining({ type: 'RecordSubtrakFailed' }) }));
  });
});
