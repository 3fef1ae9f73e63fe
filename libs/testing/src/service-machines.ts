import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUNNERS_BUCKET } from '@orkestra/contracts';
import type { Bus } from '@orkestra/application';
import { agentBinaries } from './agent-binaries.js';
import { eventually } from './eventually.js';
import { agentSandbox } from './model-server/index.js';
import type { AgentSandbox } from './model-server/index.js';
import { killMachine, startServiceProcess } from './service-process.js';
import type { ServiceProcess } from './service-process.js';
import type { TestNats } from './test-nats.js';
import { stringify } from 'yaml';

// The apps as built (`npm test` builds them first).
const RUNNER_MAIN = fileURLToPath(new URL('../../../apps/runner/dist/main.js', import.meta.url));
const SCHEDULER_MAIN = fileURLToPath(new URL('../../../apps/scheduler/dist/main.js', import.meta.url));

/** A runner process as deployed, on a "machine" of its own (HOME, data dir), running the real Claude Code CLI. */
export interface RunnerMachine {
  readonly name: string;
  readonly sandbox: AgentSandbox;
  readonly process: ServiceProcess;
  /** SIGKILLs the runner and every agent it started, then removes the sandbox. */
  stop(): Promise<void>;
}

export interface RunnerMachineOptions {
  readonly name: string;
  readonly dir: string;
  readonly nats: TestNats;
  /** To see the runner register itself. */
  readonly bus: Bus;
  /** The model server (or a proxy in front of it) the agents talk to. */
  readonly modelUrl: string;
  /** Project id → bare remote. */
  readonly projects: Readonly<Record<string, string>>;
}

/** Starts `node apps/runner/dist/main.js` and waits until it is in the runner registry. */
export async function startRunnerMachine(options: RunnerMachineOptions): Promise<RunnerMachine> {
  const { name, dir, nats } = options;
  const sandbox = await agentSandbox();
  const file = path.join(dir, `${name}.yaml`);
  const projects = Object.fromEntries(Object.entries(options.projects).map(([id, remote]) => [id, { remote }]));
  await writeFile(file, stringify({ agents: { claudecode: agentBinaries().claude }, projects }));
  const runner = startServiceProcess(
    RUNNER_MAIN,
    sandbox.env({
      ANTHROPIC_BASE_URL: options.modelUrl,
      ANTHROPIC_API_KEY: 'test-key',
      CLAUDE_CODE_MAX_RETRIES: '0',
      ORK_RUNNER_CONFIG_FILE: file,
      ORK_RUNNER_NAME: name,
      ORK_RUNNER_PORT: '0',
      ORK_RUNNER_NATS_URL: nats.url,
      ORK_RUNNER_NATS_NAMESPACE: nats.prefix,
      ORK_RUNNER_DATA_DIR: path.join(dir, name),
    }),
    'build the runner first (npx tsc -p apps/runner/tsconfig.build.json)',
  );
  const stop = async (): Promise<void> => {
    await killMachine(runner, `HOME=${sandbox.home}`);
    await sandbox.cleanup();
  };
  try {
    await eventually(async () => {
      if (runner.child.exitCode !== null) throw new Error(`runner ${name} exited:\n${runner.output()}`);
      const registry = await options.bus.bucket(RUNNERS_BUCKET.name);
      if ((await registry.get(name)) === undefined) throw new Error(`runner ${name} is not registered yet`);
    }, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, sandbox, process: runner, stop };
}

/** The scheduler as deployed: `node apps/scheduler/dist/main.js` on the given event log and NATS. */
export function startSchedulerProcess(options: { databaseUrl: string; nats: TestNats; instance: string }): ServiceProcess {
  return startServiceProcess(
    SCHEDULER_MAIN,
    {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      ...(process.env.HOME !== undefined && { HOME: process.env.HOME }),
      ORK_SCHEDULER_PORT: '0',
      ORK_SCHEDULER_DATABASE_URL: options.databaseUrl,
      ORK_SCHEDULER_NATS_URL: options.nats.url,
      ORK_SCHEDULER_NATS_NAMESPACE: options.nats.prefix,
      ORK_SCHEDULER_INSTANCE: options.instance,
    },
    'build the scheduler first (npx tsc -p apps/scheduler/tsconfig.build.json)',
  );
}
