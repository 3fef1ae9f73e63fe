import { open, readFile, unlink } from 'node:fs/promises';
import { z } from 'zod';
import { CliError } from '../shell/cli-error.js';
import { EXIT } from '../shell/exit-codes.js';
import { isAlive, startTimeOf } from './process-info.js';

const lockSchema = z.object({ pid: z.number().int().positive(), started: z.string().optional() });

/**
 * One `ork up` per data dir: two would each start, adopt or stop the same Postgres. The lock is a
 * file naming the process that holds it (its id and start time, so a reused id is not mistaken for
 * it); a holder that died (`kill -9`) leaves the file behind, and the next `ork up` takes it over.
 */
export class UpLock {
  private constructor(private readonly file: string) {}

  /** Takes the lock, or fails naming the `ork up` that holds it. Says whether a previous holder died without releasing it. */
  static async acquire(file: string): Promise<{ lock: UpLock; tookOverFrom?: number }> {
    const mine = JSON.stringify({ pid: process.pid, started: await startTimeOf(process.pid) });
    let tookOverFrom: number | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const handle = await open(file, 'wx', 0o600);
        await handle.writeFile(`${mine}\n`);
        await handle.close();
        return { lock: new UpLock(file), ...(tookOverFrom !== undefined && { tookOverFrom }) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readHolder(file);
      if (holder !== undefined && (await holds(holder))) {
        throw new CliError(
          `another \`ork up\` (process ${holder.pid}) is running on this data dir (${file})`,
          EXIT.internal,
          `Stop it first (Ctrl-C in its terminal, or \`kill ${holder.pid}\`), or give this one another --data-dir.`,
        );
      }
      tookOverFrom = holder?.pid;
      await unlink(file).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
    }
    throw new CliError(`could not take the lock ${file}: another \`ork up\` keeps taking it`, EXIT.internal, 'Make sure only one `ork up` starts on this data dir.');
  }

  async release(): Promise<void> {
    const holder = await readHolder(this.file);
    if (holder?.pid === process.pid) await unlink(this.file).catch(() => undefined);
  }
}

async function readHolder(file: string): Promise<z.infer<typeof lockSchema> | undefined> {
  try {
    const parsed = lockSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Gone, half written or damaged: nobody holds it.
    return undefined;
  }
}

async function holds(holder: z.infer<typeof lockSchema>): Promise<boolean> {
  if (holder.pid === process.pid || !isAlive(holder.pid)) return false;
  return holder.started === undefined || holder.started === (await startTimeOf(holder.pid));
}
