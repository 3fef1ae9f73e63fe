import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentRunJob, trakDecider } from '@orkestra/domain';
import type { AgentRunJob, FlowDefinition, TrakCommand, TrakState } from '@orkestra/domain';
import { createRunnerGit } from '@orkestra/git';
import { bareRemote, trakFixtures } from '@orkestra/testing';
import { createRunnerJobs } from '../src/jobs/runner-jobs.js';
import { agentEnvironment } from '../src/service/agent-environment.js';
import { RunTempDirs } from '../src/service/run-temp-dirs.js';

// Real git and a scripted stand-in for Claude Code that leaves a file in its TMPDIR, as both real
// CLIs do on every run (OpenCode a 5.5 MB native library), and answers with the TMPDIR it got.
const AGENT = fileURLToPath(new URL('./support/scripted-agent.sh', import.meta.url));
const flow: FlowDefinition = {
  name: 'default',
  stages: [{ name: 'work', artifact: 'summary', prompt: 'work.md', agent: { kind: 'claudecode' }, disallowedTools: [], maxAttempts: 3, agentTimeoutSeconds: 60 }],
  integration: { onFailure: 'work', autoMerge: false },
};

let dir: string;
let remote: string;

function jobFor(trakId: string): AgentRunJob {
  const created = trakFixtures.createTrak(trakId);
  const commands: TrakCommand[] = [
    { ...created, data: { ...created.data, flow, branch: `ork/${trakId}` } },
    { type: 'RequestAgentRun', data: { runId: `${trakId}_a0_1` }, metadata: { now: trakFixtures.NOW, actor: 'scheduler' } },
  ];
  const state = commands.reduce((s: TrakState, c) => trakDecider.decide(c, s).reduce(trakDecider.evolve, s), trakDecider.initialState());
  if (state.status !== 'AgentRunning') throw new Error(`expected AgentRunning, got ${state.status}`);
  return agentRunJob(state);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-agent-temp-'));
  remote = await bareRemote(dir, { '.orkestra/agents/work.md': 'You do the work.\n', 'README.md': 'hello\n' });
});

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
});

describe('an agent run’s temporary files', () => {
  it('go to a TMPDIR of the run’s own under the data dir, which is removed with them when the run ends', async () => {
    const dataDir = path.join(dir, 'data');
    const temp = new RunTempDirs(path.join(dataDir, 'tmp'));
    const jobs = createRunnerJobs({
      git: createRunnerGit({ root: dataDir }),
      projects: (projectId) => (projectId === 'project-1' ? { projectId, remoteUrl: remote } : undefined),
      agents: {
        executables: { claudecode: AGENT },
        environment: () => agentEnvironment({ PATH: process.env['PATH'], HOME: dir, TMPDIR: '/tmp' }),
        newSessionId: () => globalThis.crypto.randomUUID(),
      },
      temp,
    });

    const results = await Promise.all(['t-tmp-1', 't-tmp-2'].map((trakId) => jobs.agentRun(jobFor(trakId))));

    const dirs = results.map((result) => (result.kind === 'agent-finished' && result.output.type === 'artifact' ? result.output.content.replace(/^tmp=/, '') : JSON.stringify(result)));
    const root = path.join(dataDir, 'tmp', 'claudecode');
    expect(dirs).toEqual([expect.stringMatching(new RegExp(`^${root}/t-tmp-1_a0_1-`)), expect.stringMatching(new RegExp(`^${root}/t-tmp-2_a0_1-`))]);
    for (const used of dirs) expect(existsSync(used)).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });

  it('left by a runner that was killed are all removed when the temp dirs are cleared at start', async () => {
    const temp = new RunTempDirs(path.join(dir, 'data-2', 'tmp'));
    const left = await temp.create('opencode', 't-old_a0_1');
    await writeFile(path.join(left, 'libopentui.so'), 'x'.repeat(1024));

    await temp.clear();

    expect(readdirSync(temp.root)).toEqual([]);
  });
});
