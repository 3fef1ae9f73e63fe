import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testDatabase } from '@orkestra/testing';
import type { TestDatabase } from '@orkestra/testing';
import { createApp, loadApiConfig } from '../src/index.js';
import { graphqlData } from './support/graphql-client.js';

let database: TestDatabase;
let dir: string;

beforeAll(async () => {
  database = await testDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'ork-api-first-'));
});

afterAll(async () => {
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

const start = () => createApp(loadApiConfig({ ORK_API_PORT: '0', ORK_API_DATABASE_URL: database.url, ORK_API_DATA_DIR: dir }), { logger: false });

describe('the first admin token of a fresh installation', () => {
  it('is written once, to a file only the api user can read, and signs in', async () => {
    const app = await start();
    try {
      const file = path.join(dir, 'first-admin-token');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const token = (await readFile(file, 'utf8')).trim();
      const me = await graphqlData<{ me: { user: { id: string; instanceAdmin: boolean } } }>(await app.getUrl(), '{ me { user { id instanceAdmin } } }', {}, token);
      expect(me.me.user).toEqual({ id: 'admin', instanceAdmin: true });
      await rm(file);
    } finally {
      await app.close();
    }
    const again = await start();
    await again.close();
    await expect(stat(path.join(dir, 'first-admin-token'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
