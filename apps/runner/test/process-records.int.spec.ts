import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '@orkestra/testing';
import { DataDirInUseError, lockDataDir } from '../src/service/data-dir-lock.js';
import { ProcessRecords, procStat } from '../src/service/process-records.js';
import type { ProcessRecord } from '../src/service/process-records.js';

// Real processes and the real proc filesystem: what a runner writes down about the process groups
// it starts, and what its next life makes of those records.
let dir: string;
const started: number[] = [];

/** `sh -c script` leading its own group, as the runner starts agents and gates. */
function group(script: string): number {
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  started.push(child.pid!);
  return child.pid!;
}

const alive = (pid: number): boolean => {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
};

/** A record as a runner that is gone wrote it (its owner: a pid no process has). */
function recordOf(pgid: number, extra: Partial<ProcessRecord> = {}): ProcessRecord {
  return {
    pgid,
    startTime: procStat(pgid)!.startTime,
    command: 'sh',
    what: 'gate',
    jobId: `job-${pgid}`,
    owner: { pid: 4_000_000, startTime: '1', incarnation: 'old-life' },
    recordedAt: new Date().toISOString(),
    ...extra,
  };
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-process-records-'));
});

afterEach(async () => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await rm(dir, { recursive: true, force: true });
});

describe('the process records of a runner', () => {
  it('hold a group while it runs and forget it once it ended', () => {
    const records = new ProcessRecords({ dir, incarnation: 'life-1' });
    const recorder = records.recorder({ what: 'agent', jobId: 'j-1', trakId: 't-1' });
    const pgid = group('sleep 30');

    recorder.started(pgid, 'claude');
    expect(readdirSync(dir)).toEqual([`${pgid}.json`]);
    recorder.ended(pgid);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('let the next life stop what a killed runner left, the leader’s children included, with SIGKILL when SIGTERM is ignored', async () => {
    const logs: { message: string; fields?: Record<string, unknown> }[] = [];
    const polite = group('sleep 30 & wait');
    const stubborn = group("trap '' TERM; sleep 30 & wait");
    // A group whose leader is gone but whose child lives on.
    const orphaned = group('sleep 30 & echo $! > /dev/null; exit 0');
    await eventually(() => expect(alive(orphaned)).toBe(false));
    const orphanedRecord = recordOf(polite, { pgid: orphaned, startTime: 'gone-leader', what: 'setup' });
    for (const record of [recordOf(polite), recordOf(stubborn, { what: 'agent' }), orphanedRecord]) writeFileSync(path.join(dir, `${record.pgid}.json`), JSON.stringify(record));

    const next = new ProcessRecords({ dir, incarnation: 'life-2', killGraceMs: 300, log: (message, fields) => void logs.push({ message, ...(fields !== undefined && { fields }) }) });
    expect(await next.stopLeftovers()).toBe(3);

    for (const pgid of [polite, stubborn]) expect(alive(pgid)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    expect(logs.map((l) => [l.fields?.['pgid'], l.fields?.['signal'], l.fields?.['jobId'], l.fields?.['previousIncarnation']])).toEqual(
      expect.arrayContaining([
        [polite, 'SIGTERM', `job-${polite}`, 'old-life'],
        [stubborn, 'SIGKILL', `job-${stubborn}`, 'old-life'],
        [orphaned, 'SIGTERM', `job-${polite}`, 'old-life'],
      ]),
    );
  });

  it('leave alone a pid that now belongs to another process, and the groups of a runner that still lives', async () => {
    const reused = group('sleep 30');
    const owner = group('sleep 30');
    const ownedByLive = group('sleep 30');
    const records = [
      recordOf(reused, { startTime: '1' }),
      recordOf(ownedByLive, { owner: { pid: owner, startTime: procStat(owner)!.startTime, incarnation: 'other-runner' } }),
    ];
    for (const record of records) writeFileSync(path.join(dir, `${record.pgid}.json`), JSON.stringify(record));

    expect(await new ProcessRecords({ dir, incarnation: 'life-2' }).stopLeftovers()).toBe(0);

    expect([reused, ownedByLive].map(alive)).toEqual([true, true]);
    // The reused pid's record is forgotten; the live runner's stays for it to remove.
    expect(readdirSync(dir)).toEqual([`${ownedByLive}.json`]);
  });

  it('forget a record that is not one, and one half written when the runner died', async () => {
    writeFileSync(path.join(dir, '123.json'), '{"pgid": "x"');
    writeFileSync(path.join(dir, '456.json.tmp'), '{');
    expect(await new ProcessRecords({ dir, incarnation: 'life-2' }).stopLeftovers()).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('a runner’s data dir', () => {
  it('is refused to a second runner while the first lives, and taken over once its runner is gone', () => {
    const dataDir = path.join(dir, 'data');
    const owner = group('sleep 30');
    const held = { pid: owner, startTime: procStat(owner)!.startTime, incarnation: 'other', since: new Date().toISOString() };
    lockDataDir(dataDir, 'life-0').release();
    writeFileSync(path.join(dataDir, 'runner.lock'), JSON.stringify(held));

    expect(() => lockDataDir(dataDir, 'life-1')).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dataDir, 'life-1')).toThrow(`The runner data dir ${dataDir} is in use by another runner process (pid ${owner})`);

    process.kill(-owner, 'SIGKILL');
    return eventually(() => {
      const lock = lockDataDir(dataDir, 'life-1');
      lock.release();
      expect(existsSync(path.join(dataDir, 'runner.lock'))).toBe(false);
    });
  });
});
