import { readFile, stat, writeFile } from 'node:fs/promises';
import { CliError, EXIT, loginFile, readLogin, writeLogin } from '../src/index.js';
import { removeTempHomes, tempHome } from './support/temp-home.js';

afterAll(removeTempHomes);

describe('the stored login', () => {
  let env: Record<string, string>;
  beforeEach(async () => {
    env = { ORK_HOME: await tempHome() };
  });

  it('given no login yet, when read, then there is none', async () => {
    await expect(readLogin(env)).resolves.toBeUndefined();
  });

  it('given a login, when written, then only its owner can read the file and it reads back the same', async () => {
    const file = await writeLogin(env, { server: 'http://127.0.0.1:4100/graphql', token: 'ork_secret' });
    expect(file).toBe(loginFile(env));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await expect(readLogin(env)).resolves.toEqual({ server: 'http://127.0.0.1:4100/graphql', token: 'ork_secret' });
  });

  it('given a damaged file, when read, then the error names the file and says to log in again', async () => {
    await writeLogin(env, { server: 'http://127.0.0.1:4100/graphql', token: 't' });
    await writeFile(loginFile(env), '{"server": 42}');
    const error = await readLogin(env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toContain(loginFile(env));
    expect((error as CliError).message).toContain('server');
    expect((error as CliError).hint).toContain('ork login');
    expect((error as CliError).exitCode).toBe(EXIT.usage);
    expect(await readFile(loginFile(env), 'utf8')).toBe('{"server": 42}');
  });
});
