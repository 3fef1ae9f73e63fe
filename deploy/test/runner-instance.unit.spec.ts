import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

// deploy/runner/runner-instance.sh starts each replica of the compose `runner` service. Here it
// starts a stand-in `node` that prints the data dir and name it was given, then waits.
const SCRIPT = fileURLToPath(new URL('../runner/runner-instance.sh', import.meta.url));

let dir: string;
const running: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-runner-instance-'));
  await writeFile(path.join(dir, 'node'), '#!/bin/sh\necho "$ORK_RUNNER_NAME $ORK_RUNNER_DATA_DIR $*"\nexec sleep 60\n');
  await chmod(path.join(dir, 'node'), 0o755);
});

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** Starts one replica; resolves with its first line and the process. */
function replica(): Promise<{ line: string; child: ChildProcess }> {
  const child = spawn('sh', [SCRIPT], {
    env: { PATH: `${dir}:${process.env['PATH']}`, ORK_COMPOSE_RUNNERS_DIR: path.join(dir, 'runners') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (data: Buffer) => resolve({ line: data.toString().trim(), child }));
    child.once('exit', (code) => reject(new Error(`runner-instance.sh exited with ${code}`)));
  });
}

describe('a replica of the compose runner service', () => {
  it('takes a data dir and name no running replica holds, and a freed one again after a restart', async () => {
    const runners = path.join(dir, 'runners');
    const first = await replica();
    const second = await replica();
    expect(first.line).toBe(`compose-runner-1 ${runners}/1 apps/runner/dist/main.js`);
    expect(second.line).toBe(`compose-runner-2 ${runners}/2 apps/runner/dist/main.js`);

    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;
    expect((await replica()).line).toBe(`compose-runner-1 ${runners}/1 apps/runner/dist/main.js`);
    expect((await replica()).line).toBe(`compose-runner-3 ${runners}/3 apps/runner/dist/main.js`);
  });
});
