import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GateRunJob } from '@orkestra/domain';
import { GATE_OUTPUT_LIMIT, runGate } from '../src/gate/index.js';
import { isAlive, waitUntil } from './process-liveness.js';

const worktree = realpathSync(mkdtempSync(join(tmpdir(), 'gate-wt-')));
const projectRoot = '/srv/project';

const gateJob = (command: string, timeoutSeconds = 10): GateRunJob => ({
  kind: 'gate-run',
  jobId: 'job-1',
  trakId: 'brave-red-fox',
  projectId: 'p1',
  stage: 'work',
  iteration: 1,
  command,
  timeoutSeconds,
  repo: { branch: 'ork/brave-red-fox', baseBranch: 'main' },
  env: { ORKESTRA_TASK_ID: 'brave-red-fox', ORKESTRA_BASE_BRANCH: 'main', NOT_ORKESTRA: 'leak' },
});

const gate = (command: string, timeoutSeconds?: number, extra: object = {}) =>
  runGate(gateJob(command, timeoutSeconds), { worktree, projectRoot, baseEnv: { PATH: process.env['PATH'], HOME: '/home/gate', SECRET: 's' }, killGraceMs: 300, ...extra });

describe('runGate', () => {
  it('given a passing script, reports exit 0 and its output', async () => {
    const result = await gate('echo checks ok');
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, output: 'checks ok' });
  });

  it('given a failing script, reports its exit code with stdout and stderr interleaved in order', async () => {
    const lines: string[] = [];
    const result = await gate('echo one; sleep 0.05; echo two >&2; sleep 0.05; echo three; exit 2', undefined, { onLine: (_: string, l: string) => lines.push(l) });
    expect(result.exitCode).toBe(2);
    expect(result.output).toBe('one\ntwo\nthree');
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('strips ANSI colour codes from the output', async () => {
    const result = await gate(`printf '\\033[31mFAIL\\033[0m test \\033[1;32mx\\033[0m\\n'; exit 1`);
    expect(result.output).toBe('FAIL test x');
    expect(result.fullOutputBytes).toBeGreaterThan('FAIL test x\n'.length);
  });

  it('keeps only the tail of long output, with a marker saying how much was cut', async () => {
    const result = await gate('i=0; while [ $i -lt 3000 ]; do echo "line $i of the test output"; i=$((i+1)); done; echo LAST; exit 1');
    expect(result.exitCode).toBe(1);
    expect(result.output.endsWith('LAST')).toBe(true);
    expect(result.output).not.toContain('line 0 of');
    const marker = /^\[… (\d+) earlier characters of output cut; the last (\d+) follow …\]\n/.exec(result.output);
    expect(marker).not.toBeNull();
    expect(Number(marker?.[2])).toBe(GATE_OUTPUT_LIMIT);
    expect(Number(marker?.[1]) + GATE_OUTPUT_LIMIT).toBe(result.fullOutputBytes);
  });

  it('kills the whole process tree on timeout', async () => {
    const pids: number[] = [];
    const result = await gate('sleep 30 & echo "pid $!"; echo "pid $$"; wait', 1, {
      onLine: (_: string, l: string) => l.startsWith('pid ') && pids.push(Number(l.slice(4))),
    });
    expect(result).toMatchObject({ exitCode: null, timedOut: true });
    expect(result.output).toMatch(/^Script timed out after \d+\.\ds\n/);
    expect(result.durationMs).toBeLessThan(4_000);
    expect(pids).toHaveLength(2);
    expect(await waitUntil(() => !pids.some(isAlive), 1_000)).toBe(true);
  });

  it('runs in the worktree with a clean env: PATH, HOME, the ORKESTRA_* variables and the paths', async () => {
    const result = await gate('pwd; env | sort');
    const [cwd, ...env] = result.output.split('\n');
    expect(cwd).toBe(worktree);
    const vars = Object.fromEntries(env.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(vars).toMatchObject({
      HOME: '/home/gate',
      ORKESTRA_TASK_ID: 'brave-red-fox',
      ORKESTRA_BASE_BRANCH: 'main',
      ORKESTRA_WORKTREE: worktree,
      ORKESTRA_WORKTREE_PATH: worktree,
      ORKESTRA_PROJECT_ROOT: projectRoot,
    });
    expect(vars).not.toHaveProperty('SECRET');
    expect(vars).not.toHaveProperty('NOT_ORKESTRA');
  });

  it('given an abort, kills the gate and reports it', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await gate('sleep 30', 10, { signal: controller.signal });
    expect(result).toMatchObject({ exitCode: null, aborted: true, timedOut: false });
  });
});
