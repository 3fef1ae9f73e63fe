import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { RUNNERS_BUCKET, jobSubject } from '@orkestra/contracts';
import { JetStreamBus } from '@orkestra/bus';
import { agentRunJob, integrationJob, trakDecider } from '@orkestra/domain';
import type { AgentRunJob, FlowDefinition, Job, JobResult, TrakCommand, TrakState } from '@orkestra/domain';
import { agentBinaries, agentSandbox, bareRemote, commandLine, eventually, killMachine, processesWith, startModelServer, testNats, trakFixtures } from '@orkestra/testing';
import type { AgentSandbox, ModelServer, TestNats } from '@orkestra/testing';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { startHoldingProxy } from './support/holding-proxy.js';
import type { HoldingProxy } from './support/holding-proxy.js';
import { resultsProbe } from './support/results-probe.js';
import { startRunnerProcess } from './support/runner-process.js';
import type { RunnerProcess } from './support/runner-process.js';

// Two runner processes as deployed (apps/runner/dist), each on its own "machine" (HOME, data
// dir), the real Claude Code CLI against the scripted model server, NATS JetStream and a bare
// git remote. Runner A dies with its agent in the middle of a stage; runner B takes the job over.
jest.setTimeout(120_000);

const ACK_WAIT_SECONDS = 3;
const meta = { now: trakFixtures.NOW, actor: 'scheduler' };
const stage = { agent: { kind: 'claudecode' as const }, disallowedTools: [], maxAttempts: 3, agentTimeoutSeconds: 600 };
const flow: FlowDefinition = {
  name: 'default',
  stages: [
    { ...stage, name: 'plan', artifact: 'plan', prompt: 'plan.md' },
    { ...stage, name: 'work', artifact: 'summary', prompt: 'work.md' },
  ],
  integration: { onFailure: 'work', autoMerge: false },
};

interface Machine {
  readonly name: string;
  readonly sandbox: AgentSandbox;
  readonly dataDir: string;
  runner?: RunnerProcess;
}

let nats: TestNats;
let dir: string;
let remote: string;
let server: ModelServer;
let proxyA: HoldingProxy;
let probe: JetStreamBus;
const machines: Machine[] = [];
let results: JobResult[];

async function machine(name: string): Promise<Machine> {
  const m: Machine = { name, sandbox: await agentSandbox(), dataDir: path.join(dir, name) };
  machines.push(m);
  return m;
}

const homeOf = (m: Machine): string => `HOME=${m.sandbox.home}`;

/** Starts the runner process of `m` and waits until it is in the registry. */
async function startRunner(m: Machine, modelUrl: string): Promise<RunnerProcess> {
  const file = path.join(dir, `${m.name}.yaml`);
  await writeFile(file, stringify({ agents: { claudecode: agentBinaries().claude }, projects: { 'project-1': { remote } } }));
  const runner = startRunnerProcess(
    m.sandbox.env({
      ANTHROPIC_BASE_URL: modelUrl,
      ANTHROPIC_API_KEY: 'test-key',
      CLAUDE_CODE_MAX_RETRIES: '0',
      ORK_RUNNER_CONFIG_FILE: file,
      ORK_RUNNER_NAME: m.name,
      ORK_RUNNER_PORT: '0',
      ORK_RUNNER_NATS_URL: nats.url,
      ORK_RUNNER_NATS_NAMESPACE: nats.prefix,
      ORK_RUNNER_DATA_DIR: m.dataDir,
      ORK_RUNNER_ACK_WAIT_SECONDS: String(ACK_WAIT_SECONDS),
    }),
  );
  m.runner = runner;
  await eventually(async () => {
    if (runner.child.exitCode !== null) throw new Error(`runner ${m.name} exited:\n${runner.output()}`);
    const registry = await probe.bucket(RUNNERS_BUCKET.name);
    expect(await registry.get(m.name)).toBeDefined();
  }, 20_000);
  return runner;
}

const send = (job: Job) => probe.publish(jobSubject(job), JSON.stringify(job), { msgId: job.jobId });

const resultsOf = (jobId: string, kind: JobResult['kind']) => results.filter((r) => r.jobId === jobId && r.kind === kind);

async function resultOf<K extends JobResult['kind']>(jobId: string, kind: K): Promise<Extract<JobResult, { kind: K }>> {
  await eventually(() => expect(resultsOf(jobId, kind)).toHaveLength(1), 60_000);
  return resultsOf(jobId, kind)[0] as Extract<JobResult, { kind: K }>;
}

const fold = (commands: TrakCommand[]): TrakState =>
  commands.reduce((state, command) => trakDecider.decide(command, state).reduce(trakDecider.evolve, state), trakDecider.initialState());

function currentJob(state: TrakState): AgentRunJob {
  if (state.status !== 'AgentRunning') throw new Error(`expected AgentRunning, got ${state.status}`);
  return agentRunJob(state);
}

beforeAll(async () => {
  nats = await testNats();
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-runner-handover-'));
  remote = await bareRemote(dir, {
    '.orkestra/agents/plan.md': 'You plan the task.\n',
    '.orkestra/agents/work.md': 'You implement the plan.\n',
    'README.md': 'hello\n',
  });
  server = await startModelServer({ protocol: 'anthropic', script: { turns: ['unused'] } });
  proxyA = await startHoldingProxy(server.url);
  probe = new JetStreamBus(nats.connection, { namespace: nats.prefix });
  ({ results } = await resultsProbe(probe));
});

afterAll(async () => {
  // Whatever happened above, no runner or agent of this spec outlives it.
  for (const m of machines) await killMachine(m.runner, homeOf(m)).catch((error: unknown) => console.error(String(error)));
  await proxyA?.close();
  await server?.close();
  await probe?.close();
  await nats?.cleanup();
  for (const m of machines) await m.sandbox.cleanup();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
});

describe('a runner killed in the middle of a stage', () => {
  it('lets another runner finish the Trak from the pushed branch', async () => {
    const a = await machine('box-a');
    const runnerA = await startRunner(a, proxyA.url);

    // Stage 1 on A: the agent writes the plan; A commits and pushes it to the Trak branch.
    server.setScript({
      turns: [
        { text: 'Writing the plan.', tool_use: [{ name: 'Write', input: { file_path: '{{cwd}}/plan.md', content: 'Plan: add GET /health returning ok\n' } }] },
        { tool_use: [{ name: 'StructuredOutput', input: { type: 'plan', content: 'Plan written to plan.md' } }] },
      ],
    });
    const created = trakFixtures.createTrak('t-handover');
    const commands: TrakCommand[] = [{ ...created, data: { ...created.data, flow } }, { type: 'RequestAgentRun', data: { runId: 't-handover_a0_1' }, metadata: meta }];
    const plan = currentJob(fold(commands));
    await send(plan);
    const planStarted = await resultOf(plan.jobId, 'agent-started');
    const planned = await resultOf(plan.jobId, 'agent-finished');
    expect(planned.output).toEqual({ type: 'artifact', content: 'Plan written to plan.md' });

    // The scheduler records it, the stage is approved, and stage 2 goes out.
    commands.push(
      { type: 'RecordAgentRunStarted', data: { runId: plan.jobId, runnerId: planStarted.runnerId, ...(planStarted.sessionId !== undefined && { sessionId: planStarted.sessionId }) }, metadata: meta },
      { type: 'RecordAgentRunResult', data: { runId: plan.jobId, output: planned.output, ...(planned.sessionId !== undefined && { sessionId: planned.sessionId }) }, metadata: meta },
      { type: 'Approve', data: {}, metadata: meta },
      { type: 'RequestAgentRun', data: { runId: 't-handover_a1_1' }, metadata: meta },
    );
    const work = currentJob(fold(commands));
    expect(work).toMatchObject({ stage: { name: 'work' }, session: { mode: 'new' } });

    // A takes stage 2 and its agent waits on a model turn that never comes back.
    proxyA.hold();
    server.setScript({
      turns: [
        { text: 'Reading the plan.', tool_use: [{ name: 'Read', input: { file_path: '{{cwd}}/plan.md' } }] },
        { text: 'Implementing it.', tool_use: [{ name: 'Write', input: { file_path: '{{cwd}}/health.ts', content: 'export const health = () => "ok";\n' } }] },
        { tool_use: [{ name: 'StructuredOutput', input: { type: 'summary', content: 'Added health.ts as planned' } }] },
      ],
    });
    await send(work);
    await eventually(() => {
      expect(resultsOf(work.jobId, 'agent-started')).toMatchObject([{ runnerId: 'box-a' }]);
      expect(proxyA.held()).toBeGreaterThan(0);
    }, 30_000);
    const machineA = processesWith(homeOf(a)).map(commandLine);
    expect(machineA).toEqual(expect.arrayContaining([expect.stringContaining('dist/main.js'), expect.stringContaining('claude')]));

    // The machine dies: the runner and the agent's whole process group, at once.
    await killMachine(runnerA, homeOf(a));
    expect(await runnerA.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(processesWith(homeOf(a))).toEqual([]);

    // B starts; once A's hold on the job lapses, B gets it, continues from the pushed branch, and finishes.
    const b = await machine('box-b');
    await startRunner(b, server.url);
    const finished = await resultOf(work.jobId, 'agent-finished');
    expect(finished.output).toEqual({ type: 'artifact', content: 'Added health.ts as planned' });
    // The finishing session ran in B's worktree, and its agent read the plan A's stage 1 pushed.
    const finishing = server.requests().filter((r) => r.kind === 'main' && r.sessionId === finished.sessionId);
    expect(finishing.length).toBeGreaterThan(0);
    expect(finishing.every((r) => r.cwd?.startsWith(`${b.dataDir}${path.sep}`))).toBe(true);
    expect(JSON.stringify(finishing.at(-1)?.body)).toContain('Plan: add GET /health returning ok');

    // B merges the Trak branch into main.
    const state = fold([...commands, { type: 'RecordAgentRunResult', data: { runId: work.jobId, output: finished.output }, metadata: meta }]);
    if (state.status === 'Initial') throw new Error('no Trak');
    const merge = integrationJob(state.trak, 't-handover_i1', 'merge');
    await send(merge);
    expect(await resultOf(merge.jobId, 'integration-finished')).toMatchObject({ result: { kind: 'merged' } });
    const check = path.join(dir, 'check-main');
    await execa('git', ['clone', '--quiet', '--branch', 'main', remote, check]);
    expect(await readFile(path.join(check, 'plan.md'), 'utf8')).toBe('Plan: add GET /health returning ok\n');
    expect(await readFile(path.join(check, 'health.ts'), 'utf8')).toBe('export const health = () => "ok";\n');

    expect(processesWith(homeOf(a))).toEqual([]);
    // The scheduler heard from both: A started stage 2, then B did.
    expect(resultsOf(work.jobId, 'agent-started').map((r) => (r.kind === 'agent-started' ? r.runnerId : undefined))).toEqual(['box-a', 'box-b']);
  });
});
