import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const made: string[] = [];

/** A fresh ORK_HOME for one spec, removed by {@link removeTempHomes}. */
export async function tempHome(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ork-home-'));
  made.push(dir);
  return dir;
}

/** Removes every ORK_HOME this spec file made (call it in `afterAll`). */
export async function removeTempHomes(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
