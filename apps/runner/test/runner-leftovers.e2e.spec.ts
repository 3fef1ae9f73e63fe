import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import { RUNNERS_BUCKET, jobSubject, runnerEntrySchema } from '@orkestra/contracts';
import { JetStreamBus } from '@orkestra/bus';
import { agentRunJob, trakDecider } from '@orkestra/domain';
import type { AgentRunJob, FlowDefinition, GateRunJob, Job, TrakCommand, TrakState } from '@orkestra/domain';
import { bareRemote, eventually, killMachine, testNats, trakFixtures } from '@orkestra/testing';
import type { TestNats } from '@orkestra/testing';
import { stringify } from 'yaml';
import { resultsProbe } from './support/results-probe.js';
import type { ResultsProbe } from './support/results-probe.js';
import { startRunnerProcess } from './support/runner-process.js';
import type { RunnerProcess } from './support/runner-process.js';

// A runner process as deployed (apps/runner/dist) running a long agent (a scripted stand-in for
// Claude Code) and a long gate is killed with SIGKILL, which runs no exit hook: both process
// groups live on. A new runner on the same data dir stops them before it takes any work, says so
// in its log, and clears the temp files the killed run left.
jest.setTimeout(90_000);

const AGENT = fileURLToPath(new URL('./support/scripted-agent.sh', import.meta.url));
const meta = { now: trakFixtures.NOW, actor: 'scheduler' };
const flow: FlowDefinition = {
  name: 'default',
  stages: [{ name: 'work', artifact: 'summary', prompt: 'work.md', agent: { kind: 'claudecode' }, disallowedTools: [], maxAttempts: 3, agentTimeoutSeconds: 600 }],
  integration: { onFailure: 'work', autoMerge: false },
};

let nats: TestNats;
let dir: string;
let home: string;
let dataDir: string;
let config: string;
let probe: JetStreamBus;
let results: ResultsProbe['results'];
const runners: RunnerProcess[] = [];

/** The pids of the live (not zombie) processes of group `pgid`. */
function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function startRunner(): RunnerProcess {
  const runner = startRunnerProcess({
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    ORK_RUNNER_CONFIG_FILE: config,
    ORK_RUNNER_NAME: 'box-1',
    ORK_RUNNER_PORT: '0',
    ORK_RUNNER_NATS_URL: nats.url,
    ORK_RUNNER_NATS_NAMESPACE: nats.prefix,
    ORK_RUNNER_DATA_DIR: dataDir,
    ORK_RUNNER_ACK_WAIT_SECONDS: '3',
    AGENT_SECONDS: '600',
    AGENT_PID_FILE: path.join(dir, 'agent.pid'),
  });
  runners.push(runner);
  return runner;
}

async function registeredIncarnation(runner: RunnerProcess, not?: string): Promise<string> {
  return eventually(async () => {
    if (runner.child.exitCode !== null) throw new Error(`the runner exited:\n${runner.output()}`);
    const entry = await (await probe.bucket(RUNNERS_BUCKET.name)).get('box-1');
    const incarnation = entry === undefined ? undefined : runnerEntrySchema.parse(entry.value).incarnation;
    if (incarnation === undefined || incarnation === not) throw new Error('not registered in a new life yet');
    return incarnation;
  }, 30_000);
}

/** The runner's log, one JSON object per line (its output is not a terminal). */
const logLines = (runner: RunnerProcess): Record<string, unknown>[] =>
  runner
    .output()
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

const send = (job: Job) => probe.publish(jobSubject(job), JSON.stringify(job), { msgId: job.jobId });

function agentJob(): AgentRunJob {
  const created = trakFixtures.createTrak('t-left');
  const commands: TrakCommand[] = [{ ...created, data: { ...created.data, flow } }, { type: 'RequestAgentRun', data: { runId: 't-left_a0_1' }, metadata: meta }];
  const state = commands.reduce((s: TrakState, c) => trakDecider.decide(c, s).reduce(trakDecider.evolve, s), trakDecider.initialState());
  if (state.status !== 'AgentRunning') throw new Error(`expected AgentRunning, got ${state.status}`);
  return agentRunJob(state);
}

const gateJob = (pidFile: string): GateRunJob => ({
  kind: 'gate-run',
  jobId: 't-gate_g0_1',
  trakId: 't-gate',
  projectId: 'project-1',
  stage: 'work',
  iteration: 1,
  command: `echo $$ > ${pidFile}; sleep 600`,
  timeoutSeconds: 600,
  repo: { branch: 'ork/t-gate', baseBranch: 'main' },
  env: {},
});

beforeAll(async () => {
  nats = await testNats();
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-runner-leftovers-'));
  home = path.join(dir, 'home');
  await mkdir(home);
  dataDir = path.join(dir, 'data');
  const remote = await bareRemote(dir, { '.orkestra/agents/work.md': 'You do the work.\n', 'README.md': 'hello\n' });
  config = path.join(dir, 'runner.yaml');
  await writeFile(config, stringify({ agents: { claudecode: AGENT }, projects: { 'project-1': { remote } }, slots: 2 }));
  probe = new JetStreamBus(nats.connection, { namespace: nats.prefix });
  ({ results } = await resultsProbe(probe));
});

afterAll(async () => {
  // Whatever happened above, nothing this spec started outlives it.
  await killMachine(runners.at(-1), `HOME=${home}`).catch((error: unknown) => console.error(String(error)));
  await probe?.close();
  await nats?.cleanup();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
});

describe('a runner killed with SIGKILL while an agent and a gate run', () => {
  it('leaves them running, and the next runner on its data dir stops them before it takes any work, and clears their temp files', async () => {
    const first = startRunner();
    const firstLife = await registeredIncarnation(first);
    const agent = agentJob();
    const gatePidFile = path.join(dir, 'gate.pid');
    await send(agent);
    await send(gateJob(gatePidFile));
    const pidIn = async (file: string): Promise<number> => (existsSync(file) ? Number((await readFile(file, 'utf8')).trim()) : 0);
    const [agentGroup, gateGroup] = await eventually(async () => {
      expect(results.filter((r) => r.kind === 'agent-started')).toHaveLength(1);
      const groups = [await pidIn(path.join(dir, 'agent.pid')), await pidIn(gatePidFile)];
      expect(groups.every((pid) => pid > 1)).toBe(true);
      return groups as [number, number];
    }, 30_000);
    const runTemp = path.join(dataDir, 'tmp', 'claudecode');
    const [agentTemp] = readdirSync(runTemp);
    expect(readdirSync(path.join(runTemp, agentTemp!))).toEqual(['leftover.so']);

    // SIGKILL to the runner alone: no exit hook runs, so its agent and gate groups go on.
    process.kill(first.pid, 'SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(groupMembers(agentGroup).length).toBeGreaterThan(0);
    expect(groupMembers(gateGroup).length).toBeGreaterThan(0);

    const second = startRunner();
    await registeredIncarnation(second, firstLife);
    // Registered means started; it takes work only after that, and by then the old groups are gone.
    expect(groupMembers(agentGroup)).toEqual([]);
    expect(groupMembers(gateGroup)).toEqual([]);
    expect(existsSync(path.join(runTemp, agentTemp!))).toBe(false);

    // The jobs come back to it once the killed runner's hold lapses; it takes them after the stops.
    await eventually(() => expect(logLines(second).filter((l) => l['msg'] === 'job taken')).toHaveLength(2), 30_000);
    const lines = logLines(second);
    const stops = lines.filter((l) => l['msg'] === 'stopped a process group a previous life of this runner left behind');
    expect(stops).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ jobId: agent.jobId, what: 'agent', pgid: agentGroup, previousIncarnation: firstLife }),
        expect.objectContaining({ jobId: 't-gate_g0_1', what: 'gate', pgid: gateGroup, previousIncarnation: firstLife }),
      ]),
    );
    expect(stops).toHaveLength(2);
    expect(lines.findLastIndex((l) => l['msg'] === stops[1]!['msg'])).toBeLessThan(lines.findIndex((l) => l['msg'] === 'job taken'));
  });
});
