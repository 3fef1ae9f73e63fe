import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

/** A service started as deployed (`node <app>/dist/main.js`), leading its own process group. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `node <main>` with exactly `env`, detached so that its whole group can be killed at once. */
export function startServiceProcess(main: string, env: Record<string, string>, buildHint = 'build it first'): ServiceProcess {
  if (!existsSync(main)) throw new Error(`${main} is missing: ${buildHint}`);
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const chunks: string[] = [];
  child.stdout?.on('data', (data: Buffer) => chunks.push(data.toString('utf8')));
  child.stderr?.on('data', (data: Buffer) => chunks.push(data.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  if (child.pid === undefined) throw new Error(`${main} did not start`);
  return { child, pid: child.pid, output: () => chunks.join(''), exited };
}

/**
 * The live processes whose environment holds `entry` (e.g. `HOME=/tmp/agent-sandbox-x/home`): a
 * service and everything it started, since children inherit its environment. Linux (/proc).
 */
export function processesWith(entry: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(entry)) pids.push(Number(name));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** A process's command line, arguments joined by spaces ('' once it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

const processGroup = (pid: number): number | undefined => {
  try {
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
};

const kill = (target: number): void => {
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // already gone
  }
};

/**
 * Takes a machine down at once: SIGKILL to the service's process group, then to the group of every
 * process still carrying `entry` (agents lead their own groups), until none is left.
 */
export async function killMachine(service: ServiceProcess | undefined, entry: string): Promise<void> {
  const ownGroup = processGroup(process.pid);
  if (service !== undefined) kill(-service.pid);
  for (let round = 0; round < 50; round++) {
    const left = processesWith(entry);
    if (left.length === 0) return;
    for (const pid of left) {
      const group = processGroup(pid);
      if (group !== undefined && group !== ownGroup && group > 1) kill(-group);
      kill(pid);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`processes with ${entry} survive SIGKILL: ${processesWith(entry).join(', ')}`);
}
