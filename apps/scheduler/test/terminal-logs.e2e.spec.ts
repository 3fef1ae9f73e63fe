import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { eventually } from '@orkestra/testing';

// The scheduler as deployed (`node dist/main.js`, no database or NATS: it only listens), started
// the two ways an operator meets its log: at a terminal, and piped into a collector.
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface Started {
  readonly output: () => string;
  readonly child: ChildProcess;
}

function start(command: string, args: readonly string[]): Started {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the scheduler first (npm run build)`);
  const env = { PATH: process.env['PATH'] ?? '', ORK_SCHEDULER_PORT: '0', TERM: 'xterm' };
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (data: Buffer) => (output += data.toString('utf8')));
  child.stderr?.on('data', (data: Buffer) => (output += data.toString('utf8')));
  return { child, output: () => output };
}

const started: Started[] = [];

afterAll(() => {
  for (const { child } of started) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Without colours and the terminal's carriage returns. */
const plain = (text: string): string => stripVTControlCharacters(text).replace(/\r/g, '');

describe('the scheduler log', () => {
  it('is pretty at a terminal: time, level, service, message, then the fields', async () => {
    // util-linux `script` gives the scheduler a pseudo-terminal as stdout.
    const scheduler = start('script', ['-qec', `${process.execPath} ${MAIN}`, '/dev/null']);
    started.push(scheduler);

    await eventually(() => expect(plain(scheduler.output())).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: scheduler: listening\n {4}url: "http:\/\/127\.0\.0\.1:\d+"$/m), 15_000);
    expect(plain(scheduler.output())).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: scheduler: No database or NATS URL/m);
  }, 20_000);

  it('is one JSON object per line when piped', async () => {
    const scheduler = start(process.execPath, [MAIN]);
    started.push(scheduler);

    await eventually(() => expect(scheduler.output()).toContain('"msg":"listening"'), 15_000);
    const lines = scheduler.output().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map(({ level, service, msg }) => ({ level, service, msg }))).toEqual([
      { level: 'warn', service: 'scheduler', msg: 'No database or NATS URL (ORK_SCHEDULER_DATABASE_URL, ORK_SCHEDULER_NATS_URL): this scheduler does no work' },
      { level: 'info', service: 'scheduler', msg: 'listening' },
    ]);
  }, 20_000);
});
