import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sleep } from './eventually.js';
import { tcpProbe } from './tcp-probe.js';

/** A nats-server of one spec's own, which the spec may stop and start again (an outage). */
export interface PrivateNats {
  /** `nats://127.0.0.1:<port>`; the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** JetStream's store; kept across restarts, so streams, consumers and buckets survive them. */
  readonly storeDir: string;
  /** True while the server process is up. */
  readonly running: boolean;
  /** Stops the server (SIGTERM, SIGKILL if it lingers) and waits until the process is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same store; resolves once it accepts connections. */
  start(): Promise<void>;
  /** `stop()` then `start()`. */
  restart(): Promise<void>;
  /** Everything the server printed since it last started (its last 4,000 characters), e.g. permission violations. */
  output(): string;
  /** Stops the server and deletes the store directory (and config file) when this helper created them. Safe to call twice. */
  cleanup(): Promise<void>;
}

export interface PrivateNatsOptions {
  /** JetStream store directory. Default: a new temporary directory, deleted by `cleanup()`. */
  readonly storeDir?: string;
  /** Default `/usr/sbin/nats-server`, or `NATS_SERVER_BIN`. */
  readonly binary?: string;
  /** How long to wait for the port to accept connections. Default 10 s. */
  readonly readyTimeoutMs?: number;
  /**
   * A nats-server config file (`-c`), e.g. the shipped `deploy/nats/nats-server.conf` with its
   * users and permissions. Host, port, JetStream and its store still come from this helper (flags
   * win over the file), so the file's own `listen` or `store_dir` do not matter here.
   */
  readonly configFile?: string;
  /** Config text instead of a file: written to a temporary file that `cleanup()` deletes. */
  readonly config?: string;
  /** Extra environment of the server process, e.g. the passwords a config file reads as `$NAME`. */
  readonly env?: Readonly<Record<string, string>>;
}

const HOST = '127.0.0.1';

/**
 * Starts a JetStream nats-server child process on a free port. Unlike `testNats()` (the shared
 * server), this one can be taken down and brought back, for outage tests. Call `cleanup()` in
 * `afterAll`, also when the spec failed.
 */
export async function startPrivateNats(options: PrivateNatsOptions = {}): Promise<PrivateNats> {
  const binary = options.binary ?? process.env['NATS_SERVER_BIN'] ?? '/usr/sbin/nats-server';
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  const ownsStore = options.storeDir === undefined;
  const storeDir = options.storeDir ?? (await mkdtemp(path.join(os.tmpdir(), 'ork-private-nats-')));
  const port = await freePort();
  if (options.config !== undefined && options.configFile !== undefined) throw new Error('startPrivateNats: give config or configFile, not both');
  let configFile = options.configFile;
  let ownConfigDir: string | undefined;
  if (options.config !== undefined) {
    ownConfigDir = await mkdtemp(path.join(os.tmpdir(), 'ork-private-nats-conf-'));
    configFile = path.join(ownConfigDir, 'nats-server.conf');
    await writeFile(configFile, options.config);
  }
  const configArgs = configFile === undefined ? [] : ['-c', configFile];
  let child: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    if (child !== undefined) return;
    output = '';
    const started = spawn(binary, [...configArgs, '-a', HOST, '-p', String(port), '-js', '-sd', storeDir, '-n', `ork-private-${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    child = started;
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4000);
    };
    started.stdout?.on('data', collect);
    started.stderr?.on('data', collect);
    // A test process that dies without cleanup() must not leave the server behind.
    const orphanGuard = (): void => void started.kill('SIGKILL');
    process.once('exit', orphanGuard);
    started.once('exit', () => {
      process.off('exit', orphanGuard);
      if (child === started) child = undefined;
    });
    const spawnError = new Promise<Error>((resolve) => started.once('error', resolve));
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      const failed = await Promise.race([spawnError, sleep(50).then(() => undefined)]);
      if (failed !== undefined) {
        child = undefined;
        throw new Error(`Could not start ${binary}: ${failed.message}`, { cause: failed });
      }
      if (child !== started) throw new Error(`nats-server on port ${port} exited while starting:\n${output}`);
      if ((await tcpProbe(HOST, port, 500)) === undefined) return;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`nats-server on port ${port} did not accept connections within ${readyTimeoutMs} ms:\n${output}`);
      }
    }
  };

  const stop = async (): Promise<void> => {
    const running = child;
    if (running === undefined) return;
    const exited = new Promise<void>((resolve) => {
      if (running.exitCode !== null || running.signalCode !== null) resolve();
      else running.once('exit', () => resolve());
    });
    running.kill('SIGTERM');
    const killer = setTimeout(() => running.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
    if (child === running) child = undefined;
  };

  let cleaned: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaned ??= (async () => {
      await stop();
      if (ownsStore) await rm(storeDir, { recursive: true, force: true });
      if (ownConfigDir !== undefined) await rm(ownConfigDir, { recursive: true, force: true });
    })());

  await start();
  return {
    url: `nats://${HOST}:${port}`,
    port,
    storeDir,
    get running() {
      return child !== undefined;
    },
    output: () => output,
    stop,
    start,
    restart: async () => {
      await stop();
      await start();
    },
    cleanup,
  };
}

/** A port nothing listens on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
