import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessSpawnError, runProcess, type OutputStream, type RunProcessOptions } from '../src/process/index.js';
import { isAlive, waitUntil } from './process-liveness.js';

const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };

const sh = (script: string, extra: Partial<RunProcessOptions> = {}) => {
  const lines: Array<[OutputStream, string]> = [];
  const run = runProcess({
    command: 'sh',
    args: ['-c', script],
    cwd: tmpdir(),
    env,
    timeoutMs: 10_000,
    killGraceMs: 500,
    onLine: (stream, line) => lines.push([stream, line]),
    ...extra,
  });
  return { run, lines };
};

const pidsFrom = (lines: Array<[OutputStream, string]>): number[] =>
  lines.filter(([, l]) => l.startsWith('pid ')).map(([, l]) => Number(l.slice(4)));

describe('runProcess', () => {
  describe('given a command that prints and exits', () => {
    it('streams every line in order, per stream, and reports the exit code', async () => {
      const { run, lines } = sh('for i in 1 2 3; do echo out$i; echo err$i >&2; sleep 0.05; done; printf tail; exit 3');
      const result = await run;

      expect(result).toMatchObject({ exitCode: 3, timedOut: false, stalled: false, aborted: false });
      expect(result.signal).toBeUndefined();
      expect(lines).toEqual([
        ['stdout', 'out1'],
        ['stderr', 'err1'],
        ['stdout', 'out2'],
        ['stderr', 'err2'],
        ['stdout', 'out3'],
        ['stderr', 'err3'],
        ['stdout', 'tail'],
      ]);
    });

    it('reports exit 0, honours cwd and env, and passes nothing else from the parent env', async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'run-process-'));
      const { run, lines } = sh('pwd; echo "$GREETING"; echo "home=${HOME:-unset}"', { cwd, env: { ...env, GREETING: 'hi' } });

      expect((await run).exitCode).toBe(0);
      expect(lines.map(([, l]) => l)).toEqual([cwd, 'hi', 'home=unset']);
    });

    it('writes stdin to the child and closes it', async () => {
      const { run, lines } = sh('cat; echo done', { stdin: 'line one\nline two\n' });

      expect((await run).exitCode).toBe(0);
      expect(lines.map(([, l]) => l)).toEqual(['line one', 'line two', 'done']);
    });

    it('keeps multi-byte characters split across chunks intact', async () => {
      const { run, lines } = sh(`printf '\\303'; sleep 0.05; printf '\\251t\\n'`);
      await run;
      expect(lines).toEqual([['stdout', 'ét']]);
    });
  });

  describe('given a command that outlives its timeout', () => {
    it('kills the whole process tree, grandchildren included', async () => {
      const { run, lines } = sh('sleep 30 & echo "pid $!"; sleep 30 & echo "pid $!"; echo "pid $$"; wait', { timeoutMs: 300 });
      expect(await waitUntil(() => pidsFrom(lines).length === 3)).toBe(true);
      const pids = pidsFrom(lines);
      expect(pids.every(isAlive)).toBe(true);

      const result = await run;

      expect(result).toMatchObject({ timedOut: true, stalled: false, aborted: false, exitCode: null, signal: 'SIGTERM' });
      expect(result.durationMs).toBeLessThan(3_000);
      expect(await waitUntil(() => !pids.some(isAlive), 1_000)).toBe(true);
    });

    it('escalates to SIGKILL when the tree ignores SIGTERM', async () => {
      const { run, lines } = sh(`trap '' TERM; sh -c 'trap "" TERM; echo "pid $$"; while :; do sleep 0.1; done' & echo "pid $$"; wait`, {
        timeoutMs: 300,
        killGraceMs: 300,
      });
      const result = await run;

      expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
      const pids = pidsFrom(lines);
      expect(pids).toHaveLength(2);
      expect(await waitUntil(() => !pids.some(isAlive), 1_000)).toBe(true);
    });
  });

  describe('given a leader that exits but leaves a background job behind', () => {
    it('returns promptly and kills the leftover', async () => {
      const { run, lines } = sh('sleep 30 & echo "pid $!"; echo bye');
      const result = await run;

      expect(result.exitCode).toBe(0);
      expect(result.durationMs).toBeLessThan(3_000);
      expect(lines.map(([, l]) => l)).toContain('bye');
      const [leftover] = pidsFrom(lines);
      expect(await waitUntil(() => !isAlive(leftover ?? 0), 1_000)).toBe(true);
    });
  });

  describe('given a recorder', () => {
    it('tells it of the group while the group runs, and that it ended once the last of it was killed', async () => {
      const told: string[] = [];
      let leaderAlive: boolean | undefined;
      // The leader waits until it has been told of (a busy machine may run a short script to its end before the recorder hears of it).
      const toldFile = join(mkdtempSync(join(tmpdir(), 'recorder-')), 'told');
      const { run, lines } = sh(`sleep 30 & echo "pid $!"; echo bye; while [ ! -e ${toldFile} ]; do sleep 0.02; done`, {
        recorder: {
          started: (pgid, command) => {
            leaderAlive = isAlive(pgid);
            told.push(`started ${pgid} ${command}`);
            writeFileSync(toldFile, '');
          },
          ended: (pgid) => told.push(`ended ${pgid}`),
        },
      });
      const result = await run;

      expect(leaderAlive).toBe(true);
      expect(told).toEqual([`started ${result.pid} sh`, `ended ${result.pid}`]);
      // SIGKILL went to what was left of the group before `ended`; dying takes the kernel a moment.
      expect(await waitUntil(() => pidsFrom(lines).every((pid) => !isAlive(pid)), 1_000)).toBe(true);
    });
  });

  describe('given a stall timeout', () => {
    it('kills a process that goes quiet', async () => {
      const { run, lines } = sh('echo start; sleep 30', { stallTimeoutMs: 300 });
      const result = await run;

      expect(result).toMatchObject({ stalled: true, timedOut: false, aborted: false });
      expect(result.durationMs).toBeLessThan(3_000);
      expect(lines).toEqual([['stdout', 'start']]);
    });

    it('leaves a process alone while it keeps talking', async () => {
      const { run } = sh('for i in 1 2 3 4 5 6 7 8; do echo tick; sleep 0.1; done', { stallTimeoutMs: 400 });
      expect(await run).toMatchObject({ exitCode: 0, stalled: false });
    });
  });

  describe('given an abort signal', () => {
    it('kills the tree when the signal fires', async () => {
      const controller = new AbortController();
      const { run, lines } = sh('sleep 30 & echo "pid $!"; echo "pid $$"; wait', { signal: controller.signal });
      await waitUntil(() => pidsFrom(lines).length === 2);
      controller.abort();
      const result = await run;

      expect(result).toMatchObject({ aborted: true, timedOut: false, stalled: false });
      expect(await waitUntil(() => !pidsFrom(lines).some(isAlive), 1_000)).toBe(true);
    });

    it('does not start at all when already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const { run, lines } = sh('echo should-not-run', { signal: controller.signal });

      const result = await run;
      expect(result).toMatchObject({ aborted: true, exitCode: null });
      expect(result.pid).toBeUndefined();
      expect(lines).toEqual([]);
    });
  });

  describe('given a command that does not exist', () => {
    it('rejects with a ProcessSpawnError', async () => {
      const error = await runProcess({ command: 'definitely-not-a-binary-x9', args: [], cwd: tmpdir(), env, timeoutMs: 1_000 }).catch(
        (e: unknown) => e,
      );
      expect(isProcessSpawnError(error)).toBe(true);
    });
  });
});
