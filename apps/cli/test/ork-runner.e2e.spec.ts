import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectBus } from '@orkestra/bus';
import type { JetStreamBus } from '@orkestra/bus';
import { ORKESTRA_TOPOLOGY, RUNNERS_BUCKET, runnerEntrySchema } from '@orkestra/contracts';
import { eventually, startPrivateNats } from '@orkestra/testing';
import type { PrivateNats } from '@orkestra/testing';
import { EXIT } from '../src/index.js';

// `ork runner` as a user runs it, built, against a NATS set up as the team deployment sets it up
// (the shipped deploy/nats/nats-server.conf): it joins with its flags, stops cleanly on Ctrl-C,
// and says what is wrong when the login or the server is.
const ORK = fileURLToPath(new URL('../bin/ork.mjs', import.meta.url));
const CONFIG = fileURLToPath(new URL('../../../deploy/nats/nats-server.conf', import.meta.url));
const PASSWORDS = { ORK_NATS_SCHEDULER_PASSWORD: 'schedulerhex', ORK_NATS_API_PASSWORD: 'apihex', ORK_NATS_RUNNER_PASSWORD: 'runnerhex' };

let nats: PrivateNats;
let scheduler: JetStreamBus;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL('../dist/main.js', import.meta.url)))) throw new Error('build ork first: npx nx run @orkestra/cli:build');
  nats = await startPrivateNats({ configFile: CONFIG, env: PASSWORDS });
  scheduler = await connectBus({ servers: nats.url, user: 'scheduler', password: PASSWORDS.ORK_NATS_SCHEDULER_PASSWORD });
  await scheduler.provision(ORKESTRA_TOPOLOGY);
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-runner-cli-'));
}, 30_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await scheduler?.close();
  await nats?.cleanup();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

interface Ork {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

/** `ork <args>` as a child process, with a home of its own and no agent CLI on PATH. */
function ork(args: readonly string[], env: Record<string, string> = {}): Ork {
  const child = spawn(process.execPath, [ORK, ...args], {
    env: { PATH: path.dirname(process.execPath) + ':/usr/bin:/bin', HOME: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

const runnerFlags = (name: string): string[] => ['--nats', nats.url, '--nats-user', 'runner', '--name', name, '--data-dir', path.join(dir, name), '--port', '0'];

describe('ork runner', () => {
  it('given the runner credentials, joins the team with its labels and slots, and on Ctrl-C drains, leaves the registry and exits 130', async () => {
    const runner = ork(['runner', ...runnerFlags('build-box-3'), '--labels', 'gpu,linux', '--slots', '3'], { ORK_RUNNER_NATS_PASSWORD: PASSWORDS.ORK_NATS_RUNNER_PASSWORD });
    const registry = await scheduler.bucket(RUNNERS_BUCKET.name);
    await eventually(async () => {
      if (runner.child.exitCode !== null) throw new Error(`ork runner exited:\n${runner.output()}`);
      expect(runnerEntrySchema.parse((await registry.get('build-box-3'))?.value)).toMatchObject({ labels: ['gpu', 'linux'], slots: 3 });
    }, 30_000);
    await eventually(() => expect(runner.output()).toContain(`Runner build-box-3 joined ${nats.url} with labels gpu,linux, 3 slots`), 5_000);

    runner.child.kill('SIGINT');
    expect(await runner.exited).toBe(EXIT.interrupted);
    expect(runner.output()).toContain('Runner build-box-3 stopped.');
    expect(runner.output()).toContain('"msg":"runner drained"');
    expect(await registry.get('build-box-3')).toBeUndefined();
    expect(runner.output()).not.toContain(PASSWORDS.ORK_NATS_RUNNER_PASSWORD);
  }, 60_000);

  it('given SIGTERM, as a service manager stops it, drains and exits 0', async () => {
    const runner = ork(['runner', ...runnerFlags('build-box-4')], { ORK_RUNNER_NATS_PASSWORD: PASSWORDS.ORK_NATS_RUNNER_PASSWORD });
    await eventually(() => expect(runner.output()).toContain('Runner build-box-4 joined'), 30_000);
    runner.child.kill('SIGTERM');
    expect(await runner.exited).toBe(EXIT.ok);
    expect(await (await scheduler.bucket(RUNNERS_BUCKET.name)).get('build-box-4')).toBeUndefined();
  }, 60_000);

  it('given a wrong password, says NATS refused the login, without the password, and exits 4', async () => {
    const runner = ork(['runner', ...runnerFlags('build-box-5'), '--nats-password', 'not-the-password']);
    expect(await runner.exited).toBe(EXIT.unauthenticated);
    expect(runner.output()).toContain(`error: NATS at ${nats.url} refused the login`);
    expect(runner.output()).not.toContain('not-the-password');
  }, 30_000);

  it('given a NATS server that is not there, says it cannot reach it and exits 3', async () => {
    const runner = ork(['runner', '--nats', 'nats://127.0.0.1:1', '--port', '0', '--data-dir', path.join(dir, 'nowhere')]);
    expect(await runner.exited).toBe(EXIT.unreachable);
    expect(runner.output()).toContain('error: cannot reach NATS at nats://127.0.0.1:1');
  }, 30_000);

  it('given a bad flag value, names the flag and exits 2 before it connects anywhere', async () => {
    const runner = ork(['runner', '--nats', nats.url, '--slots', 'lots']);
    expect(await runner.exited).toBe(EXIT.usage);
    expect(runner.output()).toContain('--slots: expected an integer >= 1, got "lots"');
  }, 30_000);
});
