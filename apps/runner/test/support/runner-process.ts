import { fileURLToPath } from 'node:url';
import { startServiceProcess } from '@orkestra/testing';
import type { ServiceProcess } from '@orkestra/testing';

export { commandLine, killMachine, processesWith } from '@orkestra/testing';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A runner started as deployed: `node apps/runner/dist/main.js`, leading its own process group. */
export type RunnerProcess = ServiceProcess;

export function startRunnerProcess(env: Record<string, string>): RunnerProcess {
  return startServiceProcess(MAIN, env, 'build the runner first (npx tsc -p apps/runner/tsconfig.build.json)');
}
