import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commandLine, eventually, processesWith } from '@orkestra/testing';
import { ORK_MAIN as main, startOrkUp } from './support/ork-up-process.js';
import type { UpProcess, UpReady } from './support/ork-up-process.js';

// `ork up` as a user runs it: the built CLI as a child process, on free ports and a fresh data dir
// (ORK_HOME in a temp dir), with the embedded Postgres and the in-process bus.
type Ready = UpReady;
type Up = UpProcess;

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

const up = (...args: string[]): Up => upOn(home, ...args);

/** `ork up` with ORK_HOME=<dataDir>. */
function upOn(dataDir: string, ...args: string[]): Up {
  return startOrkUp({ PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? dataDir, ORK_HOME: dataDir }, ...args);
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
const leftovers = (of = marker): string[] => processesWith(of).map((pid) => `${pid}: ${commandLine(pid)}`);

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

describe('ork up on a data dir under a directory only its owner may enter (as root: the OS user postgres cannot reach it)', () => {
  const asRoot = process.getuid?.() === 0;
  let outer: string;
  let data: string;
  let token: string;
  /** Whether /var/lib/orkestra was there before: if not, what this made of it goes too (when empty). */
  let systemDirBefore: boolean;

  beforeAll(async () => {
    systemDirBefore = existsSync('/var/lib/orkestra');
    // mkdtemp makes it 0700, as /root is: a fresh machine's `ork up` as root, with ~/.orkestra.
    outer = await mkdtemp(path.join(tmpdir(), 'ork-up-closed-'));
    data = path.join(outer, 'orkestra');
  });

  afterAll(async () => {
    for (const pid of processesWith(`ORK_HOME=${data}`)) process.kill(pid, 'SIGKILL');
    const cluster = await clusterOf(data).catch(() => undefined);
    if (cluster?.startsWith('/var/lib/orkestra/clusters/')) await rm(cluster, { recursive: true, force: true });
    if (!systemDirBefore) for (const dir of ['/var/lib/orkestra/clusters', '/var/lib/orkestra']) await rmdir(dir).catch(() => undefined);
    await rm(outer, { recursive: true, force: true });
  });

  /** Where up.json says the cluster lives (undefined: in the data dir). */
  const clusterOf = async (dataDir: string): Promise<string | undefined> =>
    (JSON.parse(await readFile(path.join(dataDir, 'up.json'), 'utf8')) as { postgres: { cluster?: string } }).postgres.cluster;

  /** The scheduler's and the runner's /ready, from the URLs in the progress lines. */
  async function readiness(run: Up): Promise<Record<string, unknown>> {
    const checks: Record<string, unknown> = {};
    for (const [, app, url] of run.output().matchAll(/(scheduler|runner) on (http:\/\/\S+)/g)) checks[app!] = await (await fetch(`${url}/ready`)).json();
    return checks;
  }

  it('given a fresh data dir there, when started, then it keeps the cluster where postgres can reach it (as root: under /var/lib/orkestra, said once, recorded in up.json), answers `me`, names the in-process bus in /ready, and Ctrl-C stops everything', async () => {
    const first = upOn(data);
    const ready = await first.ready;
    token = ready.adminToken!;
    expect(await me(ready, token)).toEqual({ data: { me: { user: { id: 'admin' } } } });
    const cluster = await clusterOf(data);
    if (asRoot) {
      expect(cluster).toMatch(/^\/var\/lib\/orkestra\/clusters\/tmp-ork-up-closed-\w+-orkestra-[0-9a-f]{12}$/);
      expect(first.output()).toContain(`Postgres runs as the OS user "postgres" (it refuses to run as root), which cannot reach ${data}: the cluster lives in ${cluster} instead`);
    } else {
      expect(cluster).toBeUndefined();
    }
    const pgdata = cluster ?? path.join(data, 'postgres');
    expect(leftovers(`ORK_HOME=${data}`).some((line) => line.includes(`postgres -D ${pgdata} `))).toBe(true);
    // Everything but the cluster stays in the data dir, the outer directory closed as it was.
    expect((await readdir(data)).sort()).toEqual(expect.arrayContaining(['api', 'login.json', 'logs', 'ork-up.pid', 'runner', 'up.json']));
    expect(await readdir(path.join(data, 'logs'))).toEqual(expect.arrayContaining(['ork-up.log', 'postgres.log']));
    expect((await stat(outer)).mode & 0o777).toBe(0o700);
    expect(await readiness(first)).toEqual({
      scheduler: { status: 'ready', checks: { postgres: 'ok', bus: 'ok' } },
      runner: { status: 'ready', checks: { bus: 'ok' } },
    });

    first.child.kill('SIGINT');
    expect(await exitOf(first, 0)).toEqual({ code: 0 });
    expect(leftovers(`ORK_HOME=${data}`)).toEqual([]);
  }, 120_000);

  it('given that data dir again, when started, then it finds its cluster, serves the same data, says nothing more about where the cluster is, and shows no second admin token', async () => {
    const again = upOn(data);
    const ready = await again.ready;
    expect(ready.adminToken).toBeUndefined();
    expect(await me(ready, token)).toEqual({ data: { me: { user: { id: 'admin' } } } });
    expect(again.output()).not.toContain('the cluster lives in');
    again.child.kill('SIGINT');
    expect(await exitOf(again, 0)).toEqual({ code: 0 });
    expect(leftovers(`ORK_HOME=${data}`)).toEqual([]);
  }, 120_000);

  it('given an ork up there killed with SIGKILL, when started again, then it reuses the Postgres it left running on that cluster and stops it on Ctrl-C', async () => {
    const killed = upOn(data);
    await killed.ready;
    killed.child.kill('SIGKILL');
    await killed.exited;
    await eventually(() => expect(leftovers(`ORK_HOME=${data}`).map((line) => line.includes('postgres -D'))).toEqual([true]));

    const restarted = upOn(data);
    const ready = await restarted.ready;
    expect(await me(ready, token)).toEqual({ data: { me: { user: { id: 'admin' } } } });
    expect(restarted.output()).toContain('reusing the Postgres server a previous ork up left running');
    restarted.child.kill('SIGINT');
    expect(await exitOf(restarted, 0)).toEqual({ code: 0 });
    expect(leftovers(`ORK_HOME=${data}`)).toEqual([]);
  }, 120_000);
});
