import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/index.js';

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
}

/** Streams for one `runCli` call, capturing what it prints; `tty` pretends stdout is a terminal. */
export function captureIo(env: Record<string, string> = {}, options: { readonly tty?: boolean; readonly signal?: AbortSignal; readonly stdin?: string } = {}): CapturedIo {
  const stdout = Object.assign(new PassThrough(), { isTTY: options.tty === true, columns: 120 });
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  if (options.stdin !== undefined) stdin.end(options.stdin);
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { stdout, stderr, stdin, env, cwd: process.cwd(), ...(options.signal !== undefined && { signal: options.signal }), out: () => out, err: () => err };
}
