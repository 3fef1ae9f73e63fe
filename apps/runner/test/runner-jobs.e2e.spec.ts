import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { integrationJob, trakDecider } from '@orkestra/domain';
import type { TrakCommand, TrakState } from '@orkestra/domain';
import { agentSandbox, startModelServer, trakFixtures } from '@orkestra/testing';
import type { AgentSandbox, ModelServer } from '@orkestra/testing';
import { execa } from 'execa';
import { bareRemote } from './support/bare-remote.js';
import { claudeRunnerJobs, jobAfter } from './support/runner-jobs.js';
import type { RunnerJobs } from '../src/jobs/runner-jobs.js';

// A runner's jobs end to end: a bare git remote, the real Claude Code CLI against the scripted
// model server, and jobs built by the domain from a real Trak.
jest.setTimeout(90_000);

let dir: string;
let remote: string;
let sandbox: AgentSandbox;
let server: ModelServer;

const runnerJobs = (name: string): RunnerJobs => claudeRunnerJobs({ root: dir, name, remote, sandbox, modelUrl: server.url });

const meta = { now: trakFixtures.NOW, actor: 'scheduler' };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-runner-jobs-'));
  remote = await bareRemote(dir, {
    '.orkestra/agents/work.md': 'You implement the task.\n',
    '.orkestra/ORKESTRA.md': 'Keep every module under 200 lines.\n',
    'README.md': 'hello\n',
  });
  server = await startModelServer({ protocol: 'anthropic', script: { turns: ['unused'] } });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  sandbox = await agentSandbox();
});

afterEach(async () => sandbox.cleanup());

describe('an agent-run job', () => {
  it('runs the agent in the Trak’s worktree with the project’s instructions, returns its checked answer, and pushes its work for any runner to continue', async () => {
    server.setScript({
      turns: [
        { text: 'Adding the endpoint.', tool_use: [{ name: 'Write', input: { file_path: '{{cwd}}/health.ts', content: 'export const health = () => "ok";\n' } }] },
        { tool_use: [{ name: 'StructuredOutput', input: { type: 'summary', content: 'Added health.ts' } }] },
      ],
    });
    const job = jobAfter(trakFixtures.createTrak('t-agent'), { type: 'RequestAgentRun', data: { runId: 't-agent_a0_1' }, metadata: meta });
    const sessions: string[] = [];

    const result = await runnerJobs('runner-a').agentRun(job, { onEntry: (e) => e.kind === 'session' && sessions.push(e.sessionId) });

    expect(result).toMatchObject({ kind: 'agent-finished', jobId: 't-agent_a0_1', output: { type: 'artifact', content: 'Added health.ts' } });
    expect(result.kind === 'agent-finished' && result.sessionId).toBe(sessions[0]);
    // .orkestra/ORKESTRA.md is part of the system prompt.
    const [firstCall] = server.requests().filter((r) => r.kind === 'main');
    expect(JSON.stringify(firstCall?.body)).toContain('## Project Instructions\\n\\nKeep every module under 200 lines.');
    // Another runner continues from the pushed branch.
    const check = path.join(dir, 'check-agent');
    await execa('git', ['clone', '--quiet', '--branch', job.repo.branch, remote, check]);
    expect(await readFile(path.join(check, 'health.ts'), 'utf8')).toBe('export const health = () => "ok";\n');
    expect((await execa('git', ['ls-files', '.orkestra'], { cwd: check })).stdout).toBe('.orkestra/ORKESTRA.md\n.orkestra/agents/work.md');
  });

  it('fails with SetupFailed, naming the file, when the stage’s prompt template is missing from the branch', async () => {
    const created = trakFixtures.createTrak('t-noprompt');
    const flow = { ...created.data.flow, stages: created.data.flow.stages.map((s) => ({ ...s, prompt: 'missing.md' })) };
    const job = jobAfter({ ...created, data: { ...created.data, flow } }, { type: 'RequestAgentRun', data: { runId: 'r1' }, metadata: meta });
    expect(await runnerJobs('runner-a').agentRun(job)).toMatchObject({ kind: 'agent-failed', reason: 'SetupFailed', message: expect.stringContaining('.orkestra/agents/missing.md') });
  });

  it('after a failed gate on another runner, starts a new session with the whole context and the gate’s output, and the agent fixes it', async () => {
    // Claude Code keeps sessions in the home of the runner that started them: this runner has
    // never seen the session, so resuming it fails and a new session takes over.
    const sessionId = globalThis.crypto.randomUUID();
    server.setScript({
      turns: [
        { text: 'Fixing the test.', tool_use: [{ name: 'Write', input: { file_path: '{{cwd}}/fixed.txt', content: 'fixed\n' } }] },
        { tool_use: [{ name: 'StructuredOutput', input: { type: 'summary', content: 'Fixed the failing test' } }] },
      ],
    });
    server.reset();
    const created = trakFixtures.createTrak('t-gate');
    const gate = { kind: 'script' as const, command: './checks.sh', timeoutSeconds: 60 };
    const flow = { ...created.data.flow, stages: created.data.flow.stages.map((s) => ({ ...s, gate })) };
    const first: TrakCommand[] = [
      { ...created, data: { ...created.data, flow } },
      { type: 'RequestAgentRun', data: { runId: 't-gate_a0_1' }, metadata: meta },
      { type: 'RecordAgentRunStarted', data: { runId: 't-gate_a0_1', runnerId: 'runner-a', sessionId }, metadata: meta },
      { type: 'RecordAgentRunResult', data: { runId: 't-gate_a0_1', output: { type: 'artifact', content: 'First try' }, sessionId }, metadata: meta },
      { type: 'RequestGateRun', data: { gateRunId: 't-gate_g0_1' }, metadata: meta },
      { type: 'RecordGateResult', data: { gateRunId: 't-gate_g0_1', exitCode: 1, timedOut: false, output: 'FAIL test/health.spec.ts: expected 200, got 500' }, metadata: meta },
      { type: 'RequestAgentRun', data: { runId: 't-gate_a0_2' }, metadata: meta },
    ];
    const retry = jobAfter(...first);
    expect(retry.session).toEqual({ mode: 'resume', sessionId });

    const entries: string[] = [];
    const result = await runnerJobs('runner-e').agentRun(retry, { onEntry: (e) => e.kind === 'error' && entries.push(e.message) });

    expect(entries).toEqual([`No conversation found with session ID: ${sessionId}`, expect.stringContaining(`Session ${sessionId} is not on this runner`)]);
    expect(result).toMatchObject({ kind: 'agent-finished', output: { type: 'artifact', content: 'Fixed the failing test' } });
    const newSession = result.kind === 'agent-finished' ? result.sessionId : undefined;
    expect(newSession).toBeDefined();
    expect(newSession).not.toBe(sessionId);
    const requests = server.requests().filter((r) => r.kind === 'main');
    expect(requests.every((r) => r.sessionId === newSession)).toBe(true);
    expect(JSON.stringify(requests[0]!.body)).toContain('expected 200, got 500');
    expect(JSON.stringify(requests[0]!.body)).toContain('Add a health endpoint');
    const check = path.join(dir, 'check-gate');
    await execa('git', ['clone', '--quiet', '--branch', retry.repo.branch, remote, check]);
    expect(await readFile(path.join(check, 'fixed.txt'), 'utf8')).toBe('fixed\n');
  });

  it('returns the agent’s questions, with their context and options, when it asks instead of delivering', async () => {
    const questions = [
      {
        question: 'Should /health also check the database?',
        context: 'A database check makes the endpoint slower and can fail the load balancer’s probe.',
        options: [{ label: 'Yes', description: 'Report 503 when Postgres is down.' }, { label: 'No' }],
      },
      { question: 'Which path?', options: [{ label: '/health' }, { label: '/healthz', description: 'The Kubernetes habit.' }] },
    ];
    server.setScript({ turns: [{ text: 'Two things are unclear.', tool_use: [{ name: 'StructuredOutput', input: { type: 'questions', questions } }] }] });
    const job = jobAfter(trakFixtures.createTrak('t-questions'), { type: 'RequestAgentRun', data: { runId: 't-questions_a0_1' }, metadata: meta });

    const result = await runnerJobs('runner-q').agentRun(job);

    expect(result).toMatchObject({ kind: 'agent-finished', jobId: 't-questions_a0_1' });
    expect(result.kind === 'agent-finished' && result.output).toEqual({ type: 'questions', questions });
  });

  it('reports an answer that breaks the stage’s contract as malformed output', async () => {
    server.setScript({ turns: ['I think it is fine, no structured answer.'] });
    const job = jobAfter(trakFixtures.createTrak('t-prose'), { type: 'RequestAgentRun', data: { runId: 't-prose_a0_1' }, metadata: meta });
    const result = await runnerJobs('runner-b').agentRun(job);
    expect(result).toMatchObject({ kind: 'agent-finished', output: { type: 'malformed' } });
  });
});

describe('a gate-run job', () => {
  it('runs the gate in the Trak’s worktree and returns its exit code and output', async () => {
    const job = {
      kind: 'gate-run' as const,
      jobId: 't-agent_g0_1',
      trakId: 't-agent',
      projectId: 'project-1',
      stage: 'work',
      iteration: 1,
      command: 'test -f health.ts && echo "health.ts present in $ORKESTRA_STAGE" && exit 3',
      timeoutSeconds: 30,
      repo: { branch: 'ork/t-agent', baseBranch: 'main' },
      env: { ORKESTRA_STAGE: 'work' },
    };
    expect(await runnerJobs('runner-c').gateRun(job)).toEqual({ kind: 'gate-finished', jobId: 't-agent_g0_1', exitCode: 3, timedOut: false, output: 'health.ts present in work' });
  });
});

describe('an integration job', () => {
  it('merges the Trak branch into the base and pushes it', async () => {
    const created = trakFixtures.createTrak('t-agent');
    const state: TrakState = trakDecider.decide(created, trakDecider.initialState()).reduce(trakDecider.evolve, trakDecider.initialState());
    if (state.status === 'Initial') throw new Error('not created');
    const job = integrationJob(state.trak, 't-agent_i1', 'merge');
    const result = await runnerJobs('runner-d').integration(job);
    expect(result).toMatchObject({ kind: 'integration-finished', result: { kind: 'merged' } });
    const check = path.join(dir, 'check-main');
    await execa('git', ['clone', '--quiet', remote, check]);
    expect(await readFile(path.join(check, 'health.ts'), 'utf8')).toContain('health');
  });
});
