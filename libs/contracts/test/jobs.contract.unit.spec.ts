import { agentRunJob, gateRunJob, integrationJob, trakDecider } from '@orkestra/domain';
import type { FlowDefinition, Job, StateOf, TrakCommand, TrakState, Usage } from '@orkestra/domain';
import { z } from 'zod';
import { MalformedMessageError, jobSchema, mirror, parseMessage, parseMessageData } from '../src/index.js';

const NOW = '2026-11-24T10:00:00.000Z';
const flow: FlowDefinition = {
  name: 'gated',
  stages: [
    {
      name: 'work',
      artifact: 'summary',
      prompt: 'work.md',
      agent: { kind: 'opencode', model: 'anthropic/claude-sonnet-4-6' },
      gate: { kind: 'script', command: 'npm test', timeoutSeconds: 60 },
      disallowedTools: [{ pattern: 'Bash(git push*)', message: 'the runner pushes' }],
      maxAttempts: 3,
      agentTimeoutSeconds: 600,
    },
  ],
  integration: { onFailure: 'work', autoMerge: true },
};

const command = <T extends TrakCommand['type']>(type: T, data: Extract<TrakCommand, { type: T }>['data']): TrakCommand =>
  ({ type, data, metadata: { now: NOW, actor: 'scheduler' } }) as TrakCommand;

function drive(...commands: TrakCommand[]): TrakState {
  return commands.reduce((state, c) => trakDecider.decide(c, state).reduce(trakDecider.evolve, state), trakDecider.initialState());
}

function as<S extends TrakState['status']>(state: TrakState, status: S): StateOf<S> {
  if (state.status !== status) throw new Error(`expected ${status}, got ${state.status}`);
  return state as StateOf<S>;
}

// A Trak whose gate failed once: its second run resumes the session with the gate's output as its trigger.
const created = command('CreateTrak', { trakId: 't-1', projectId: 'p-1', title: 'Add /health', description: 'Expose it', flow, subtaskFlows: {}, baseBranch: 'main', branch: 'ork/t-1', autoMode: true, repository: { remote: '/srv/git/shop.git', setupScript: 'bin/setup' } });
const firstRun = [
  created,
  command('RequestAgentRun', { runId: 't-1_a0_1' }),
  command('RecordAgentRunStarted', { runId: 't-1_a0_1', runnerId: 'box-1', sessionId: 'ses-1' }),
  command('RecordAgentRunResult', { runId: 't-1_a0_1', output: { type: 'artifact', content: 'Added /health', activityLog: 'did it' }, usage: { inputTokens: 10, outputTokens: 5, costUsd: 0.01 } }),
  command('RequestGateRun', { gateRunId: 't-1_g0_1' }),
];
const secondRun = [...firstRun, command('RecordGateResult', { gateRunId: 't-1_g0_1', exitCode: 1, timedOut: false, output: 'FAIL health.spec.ts' }), command('RequestAgentRun', { runId: 't-1_a0_2' })];

describe('jobs the domain builds', () => {
  it('parse unchanged: an agent run that resumes after a failed gate, the gate run, and the integration', () => {
    const retry = agentRunJob(as(drive(...secondRun), 'AgentRunning'));
    const gate = gateRunJob(as(drive(...firstRun), 'GateRunning'))!;
    const integration = integrationJob(as(drive(...firstRun), 'GateRunning').trak, 't-1_i1', 'merge');
    expect(retry).toMatchObject({ repository: { remote: '/srv/git/shop.git' }, trigger: { kind: 'gate_failure' }, session: { mode: 'resume', sessionId: 'ses-1' }, artifacts: [expect.objectContaining({ name: 'summary' })] });

    for (const job of [agentRunJob(as(drive(created, command('RequestAgentRun', { runId: 't-1_a0_1' })), 'AgentRunning')), retry, gate, integration] satisfies Job[]) {
      expect(parseMessage(jobSchema, JSON.parse(JSON.stringify(job)), 'job')).toEqual(job);
    }
  });
});

describe('a malformed job', () => {
  const job = JSON.parse(JSON.stringify(agentRunJob(as(drive(...secondRun), 'AgentRunning')))) as Record<string, unknown>;
  const refusal = (value: unknown): string => {
    const parsed = parseMessage(jobSchema, value, 'job');
    if (!(parsed instanceof MalformedMessageError)) throw new Error('expected a refusal');
    expect(parsed).toMatchObject({ code: 'CONTRACTS.MALFORMED_MESSAGE', what: 'job' });
    return parsed.reason;
  };

  it.each([
    ['an unknown agent', { ...job, stage: { ...(job['stage'] as object), agent: { kind: 'gpt' } } }, 'job.stage.agent.kind: expected "claudecode" | "opencode"'],
    ['an unknown kind of job', { ...job, kind: 'deploy' }, 'job.kind: expected "agent-run" | "gate-run" | "integration"'],
    ['a missing field', { ...job, repo: { baseBranch: 'main' } }, 'job.repo.branch: missing (expected string)'],
    ['a field of the wrong type', { ...job, iteration: '2' }, 'job.iteration: expected number, got string'],
    ['a bad element of a list', { ...job, artifacts: [{ ...(job['artifacts'] as object[])[0], iteration: -1 }] }, 'job.artifacts[0].iteration: Too small: expected number to be >=0'],
    ['an unknown trigger', { ...job, trigger: { kind: 'whim' } }, 'job.trigger.kind: expected "rejection" | "integration" | "answers" | "interrupted" | "gate_failure" | "redirect" | "restart" | "user_message" | "malformed_output" | "agent_failure"'],
    ['not an object at all', [job], 'job: expected object, got array'],
    ['a repository without a remote', { ...job, repository: { setupScript: 'x' } }, 'job.repository.remote: missing (expected string)'],
  ])('is refused with a reason naming the path: %s', (_what, value, reason) => {
    expect(refusal(value)).toBe(reason);
  });

  it('names its first three problems and counts the rest', () => {
    expect(refusal({ ...job, jobId: 1, trakId: 2, projectId: 3, flow: 4, iteration: 'x' })).toBe(
      'job.jobId: expected string, got number; job.trakId: expected string, got number; job.projectId: expected string, got number (and 2 more)',
    );
  });

  it('keeps its reason short however long the offending values are', () => {
    const reason = refusal({ ...job, activityLogs: { ['k'.repeat(2_000)]: 1 } });
    expect(reason).toMatch(/^job\.activityLogs\.kkk+…$/);
    expect(reason).toHaveLength(500);
  });

  it('is refused when its payload is not JSON', () => {
    const parsed = parseMessageData(jobSchema, new TextEncoder().encode('{"kind": "agent-run",'), 'job');
    expect(parsed).toBeInstanceOf(MalformedMessageError);
    expect((parsed as MalformedMessageError).reason).toMatch(/^job: not JSON \(/);
    expect(MalformedMessageError.is(parsed)).toBe(true);
  });
});

describe('a schema tied to its domain type', () => {
  it('does not build when it lacks a field of the type (checked by the typecheck)', () => {
    // @ts-expect-error costUsd is missing: `mirror` refuses a schema that is not exactly Usage.
    const partial = mirror<Usage>()(z.object({ inputTokens: z.number(), outputTokens: z.number() }));
    // @ts-expect-error an extra field the domain does not have is refused too.
    const extra = mirror<Usage>()(z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number(), currency: z.string() }));
    const exact = mirror<Usage>()(z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() }));
    expect([partial, extra, exact].map((s) => s.safeParse({ inputTokens: 1, outputTokens: 2, costUsd: 0 }).success)).toEqual([true, false, true]);
  });
});
