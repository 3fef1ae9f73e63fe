import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { testDatabase } from '@orkestra/testing';
import type { TestDatabase } from '@orkestra/testing';
import { createApp, loadApiConfig } from '../../src/index.js';
import { graphqlData } from './graphql-client.js';

/** The api on a free port over a database of its own, and the first admin's token. */
export interface ApiHarness {
  readonly url: string;
  readonly app: INestApplication;
  readonly database: TestDatabase;
  readonly dir: string;
  readonly adminToken: string;
  /** Registers a user with a token (as the admin) and returns the token. */
  user(id: string, options?: { readonly instanceAdmin?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** `env` adds `ORK_API_*` settings (e.g. short webhook retries). */
export async function startApi(env: Readonly<Record<string, string>> = {}): Promise<ApiHarness> {
  const database = await testDatabase();
  const dir = await mkdtemp(path.join(tmpdir(), 'ork-api-'));
  let adminToken: string | undefined;
  const config = loadApiConfig({ ORK_API_PORT: '0', ORK_API_DATABASE_URL: database.url, ORK_API_DATA_DIR: path.join(dir, 'data'), ...env });
  const app = await createApp(config, { logger: false, onAdminToken: (token) => (adminToken = token) });
  if (adminToken === undefined) throw new Error('A fresh api did not hand out its first admin token');
  const url = await app.getUrl();
  const admin = adminToken;
  return {
    url,
    app,
    database,
    dir,
    adminToken: admin,
    async user(id, options = {}) {
      const data = await graphqlData<{ registerUser: { token: string } }>(
        url,
        'mutation($input: RegisterUserInput!) { registerUser(input: $input) { token } }',
        { input: { id, name: id, instanceAdmin: options.instanceAdmin ?? false } },
        admin,
      );
      return data.registerUser.token;
    },
    async close() {
      await app.close();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
