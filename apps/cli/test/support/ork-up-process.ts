import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI, as the specs run it (`npm test` builds it first). */
export const ORK_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** The document `ork --json up` prints once it is ready. */
export interface UpReady {
  readonly ready: true;
  readonly graphqlUrl: string;
  readonly adminToken?: string;
  readonly loginFile?: string | null;
  readonly pid: number;
}

export interface UpProcess {
  readonly child: ChildProcess;
  /** Its ready document; rejects with its error document's message, or when it exits first. */
  readonly ready: Promise<UpReady>;
  readonly exited: Promise<number | null>;
  output(): string;
}

/** `ork --json up --port 0 <args>` as a child process with exactly `env`. */
export function startOrkUp(env: Record<string, string>, ...args: string[]): UpProcess {
  const child = spawn(process.execPath, [ORK_MAIN, '--json', 'up', '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const ready = new Promise<UpReady>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // With --json: one document when ready, or one naming the error.
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined) return;
      const document = JSON.parse(line) as UpReady | { error: { message: string } };
      if ('error' in document) reject(new Error(document.error.message));
      else resolve(document);
    });
    child.once('exit', (code) => reject(new Error(`ork up exited with ${code} before it was ready:\n${out}${err}`)));
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready, exited, output: () => `${out}${err}` };
}
