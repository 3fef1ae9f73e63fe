import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CliError } from '../shell/cli-error.js';
import { EXIT } from '../shell/exit-codes.js';

const upStateSchema = z.strictObject({
  /**
   * The embedded cluster: where it listens (chosen free on first start), its superuser's password,
   * and, when it is not `<data dir>/postgres`, where it lives (as root, under /var/lib/orkestra).
   */
  postgres: z
    .strictObject({
      port: z.number().int().min(1).max(65_535),
      password: z.string().min(16),
      cluster: z.string().refine((dir) => path.isAbsolute(dir), 'expected an absolute path').optional(),
    })
    .optional(),
  /** The bus of the last start: `in-process`, or the NATS URL. A scheduler whose bus changed recovers. */
  bus: z.string().min(1).optional(),
});

export type UpState = z.infer<typeof upStateSchema>;

/** What `ork up` keeps between starts, in `<data dir>/up.json` (mode 0600: it holds the cluster's password). */
export async function readUpState(file: string): Promise<UpState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT.internal, 'Check its permissions.');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw damaged(file, (error as Error).message);
  }
  const parsed = upStateSchema.safeParse(json);
  if (!parsed.success) throw damaged(file, parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`).join('; '));
  return parsed.data;
}

export async function writeUpState(file: string, state: UpState): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(upStateSchema.parse(state), null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

const damaged = (file: string, why: string): CliError =>
  new CliError(
    `${file} is damaged (${why})`,
    EXIT.internal,
    'It holds the embedded Postgres password: restore it from a backup, or, to start over with no data, delete the data dir.',
  );
