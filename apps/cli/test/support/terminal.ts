import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/index.js';

/** A pretend terminal: stdin and stdout say they are TTYs, keys can be typed, and the screen is captured (escape codes stripped). */
export function fakeTerminal(env: Record<string, string>): CliIo & { type(keys: string): void; screen(): string } {
  const screenOut = new PassThrough();
  const done = (args: unknown[]) => {
    const callback = args.find((a) => typeof a === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };
  // What a spinner needs of a tty.WriteStream; the escape codes are stripped from the screen anyway.
  const stdout = Object.assign(screenOut, {
    isTTY: true,
    columns: 100,
    rows: 40,
    cursorTo: (...args: unknown[]) => done(args),
    moveCursor: (...args: unknown[]) => done(args),
    clearLine: (...args: unknown[]) => done(args),
    clearScreenDown: (...args: unknown[]) => done(args),
    getWindowSize: () => [100, 40],
  });
  // Each prompt pipes into stdout and ends its pipe when done; a real terminal outlives that (process.stdout cannot be ended).
  stdout.end = () => stdout;
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin, isRaw: false });
  const stderr = new PassThrough();
  let screen = '';
  stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (screen += chunk.toString()));
  return {
    stdout,
    stderr,
    stdin,
    env: { NO_COLOR: '1', ...env },
    cwd: process.cwd(),
    type: (keys) => stdin.write(keys),
    // eslint-disable-next-line no-control-regex
    screen: () => screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''),
  };
}
