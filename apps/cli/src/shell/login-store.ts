import { chmod, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';

/** Where `ork` keeps its files: `ORK_HOME`, else `~/.orkestra` (also `ork up`'s default data dir). */
export const orkHome = (env: Readonly<Record<string, string | undefined>>): string =>
  env['ORK_HOME'] !== undefined && env['ORK_HOME'] !== '' ? path.resolve(env['ORK_HOME']) : path.join(homedir(), '.orkestra');

/** The stored login: `<ork home>/login.json`, readable by its owner only (it holds a token). */
export const loginFile = (env: Readonly<Record<string, string | undefined>>): string => path.join(orkHome(env), 'login.json');

const loginSchema = z.strictObject({
  /** The server's GraphQL endpoint, e.g. `http://127.0.0.1:4100/graphql`. */
  server: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  token: z.string().min(1),
});

export type Login = z.infer<typeof loginSchema>;

/** The stored login, or undefined when there is none yet; a damaged file is an error naming it. */
export async function readLogin(env: Readonly<Record<string, string | undefined>>): Promise<Login | undefined> {
  const file = loginFile(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT.internal, 'Check its permissions, or run `ork login` again.');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`, EXIT.usage, 'Run `ork login` again to rewrite it.');
  }
  const parsed = loginSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`).join('; ');
    throw new CliError(`${file} is not a login ork understands (${problems})`, EXIT.usage, 'Run `ork login` again to rewrite it.');
  }
  return parsed.data;
}

/** Stores the login with mode 0600 (written to a temporary file first, so a crash never leaves half of it). */
export async function writeLogin(env: Readonly<Record<string, string | undefined>>, login: Login): Promise<string> {
  const file = loginFile(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(loginSchema.parse(login), null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
  return file;
}

/** Forgets the stored login; answers the file it removed, or undefined when there was none. */
export async function removeLogin(env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  const file = loginFile(env);
  try {
    await unlink(file);
    return file;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot remove ${file}: ${(error as Error).message}`, EXIT.internal, 'Check its permissions, or delete it by hand.');
  }
}
