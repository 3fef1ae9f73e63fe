import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandLine, eventually, processesWith } from '@orkestra/testing';

// `ork up` as a user runs it: the built CLI as a child process, on free ports and a fresh data dir
// (ORK_HOME in a temp dir), with the embedded Postgres and the in-process bus.
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface Ready {
  readonly ready: true;
  readonly graphqlUrl: string;
  readonly adminToken?: string;
  readonly loginFile?: string | null;
  readonly pid: number;
}

interface Up {
  readonly child: ChildProcess;
  readonly ready: Promise<Ready>;
  readonly exited: Promise<number | null>;
  output(): string;
}

let home: string;
/** ORK_HOME=<home>: in the environment of `ork up` and of everything it starts, Postgres included. */
let marker: string;

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'ork-up-'));
  // As root, Postgres runs as the OS user postgres, which must pass through the data dir's parents.
  await chmod(home, 0o755);
  marker = `ORK_HOME=${home}`;
});

afterAll(async () => {
  for (const pid of processesWith(marker)) process.kill(pid, 'SIGKILL');
  await rm(home, { recursive: true, force: true });
});

function up(...args: string[]): Up {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? home, ORK_HOME: home };
  const child = spawn(process.execPath, [main, '--json', 'up', '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const ready = new Promise<Ready>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // With --json: one document when ready, or one naming the error.
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined) return;
      const document = JSON.parse(line) as Ready | { error: { message: string } };
      if ('error' in document) reject(new Error(document.error.message));
      else resolve(document);
    });
    child.once('exit', (code) => reject(new Error(`ork up exited with ${code} before it was ready:\n${out}${err}`)));
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready, exited, output: () => `${out}${err}` };
}

async function me(ready: Ready, token: string): Promise<unknown> {
  const response = await fetch(ready.graphqlUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ me { user { id } } }' }),
  });
  return response.json();
}

/** Its exit code, with its output when that is not the expected one (for the failure message). */
async function exitOf(run: Up, expected: number): Promise<{ code: number | null; output?: string }> {
  const code = await run.exited;
  return code === expected ? { code } : { code, output: run.output() };
}

/** What is left running of `ork up` and what it started (Postgres included), by command line. */
const leftovers = (): string[] => processesWith(marker).map((pid) => `${pid}: ${commandLine(pid)}`);

describe('ork up', () => {
  let token: string;

  it('given a fresh data dir, when started, then it prints the GraphQL URL and the admin token, stores the login, answers `me`, and Ctrl-C stops everything with exit 0', async () => {
    const first = up();
    const ready = await first.ready;
    expect(ready.adminToken).toMatch(/^ork_/);
    token = ready.adminToken!;
    expect(await me(ready, token)).toEqual({ data: { me: { user: { id: 'admin' } } } });
    expect(JSON.parse(await readFile(path.join(home, 'login.json'), 'utf8'))).toEqual({ server: ready.graphqlUrl, token });
    expect(leftovers().some((line) => line.includes(`postgres -D ${path.join(home, 'postgres')}`))).toBe(true);

    first.child.kill('SIGINT');
    expect(await exitOf(first, 0)).toEqual({ code: 0 });
    expect(leftovers()).toEqual([]);
  }, 120_000);

  it('given an ork up already running on the data dir, when another starts there, then it is refused naming the first', async () => {
    const first = up();
    const ready = await first.ready;
    const second = up();
    await expect(second.ready).rejects.toThrow(new RegExp(`another \`ork up\` \\(process ${ready.pid}\\) is running on this data dir`));
    expect(await exitOf(second, 1)).toEqual({ code: 1 });
    expect(await me(ready, token)).toEqual({ data: { me: { user: { id: 'admin' } } } });
    first.child.kill('SIGINT');
    expect(await exitOf(first, 0)).toEqual({ code: 0 });
  }, 120_000);

  it('given the data dir of an earlier start, when started again, then it has the same data and shows no second admin token', async () => {
    const again = up();
    const ready = await again.ready;
    expect(ready.adminToken).toBeUndefined();
    expect(await me(ready, token)).toEqual({ data: { me: { user: { id: 'admin' } } } });
    again.child.kill('SIGINT');
    expect(await exitOf(again, 0)).toEqual({ code: 0 });
    expect(leftovers()).toEqual([]);
  }, 120_000);

  it('given an ork up killed with SIGKILL (its Postgres left running), when started again, then it reuses that Postgres, serves the same data, and stops it on Ctrl-C', async () => {
    const killed = up();
    await killed.ready;
    killed.child.kill('SIGKILL');
    await killed.exited;
    // Postgres runs in a session of its own and outlives the kill, committed data intact.
    await eventually(() => expect(leftovers().map((line) => line.includes('postgres -D'))).toEqual([true]));

    const restarted = up();
    const ready = await restarted.ready;
    expect(await me(ready, token)).toEqual({ data: { me: { user: { id: 'admin' } } } });
    expect(restarted.output()).toContain('did not stop cleanly');
    restarted.child.kill('SIGINT');
    expect(await exitOf(restarted, 0)).toEqual({ code: 0 });
    expect(leftovers()).toEqual([]);
  }, 120_000);

  it('given a port another program holds, when started on it, then it fails naming the port, the app and the flag, and starts nothing', async () => {
    const server: Server = await new Promise((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    const taken = (server.address() as { port: number }).port;
    try {
      // The base port is the gateway's.
      const blocked = spawn(process.execPath, [main, 'up', '--port', String(taken)], { env: { PATH: process.env['PATH'] ?? '', ORK_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      blocked.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => blocked.once('exit', resolve));
      expect(code).toBe(1);
      expect(err).toContain(`port ${taken} on 127.0.0.1 (the gateway) is in use by another program`);
      expect(err).toContain('ork up --port <base>');
      expect(leftovers()).toEqual([]);
    } finally {
      server.close();
    }
  }, 60_000);
});
