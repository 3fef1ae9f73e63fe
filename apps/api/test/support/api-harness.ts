import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { connectBus } from '@orkestra/bus';
import type { JetStreamBus } from '@orkestra/bus';
import { OutboxRelay } from '@orkestra/event-store';
import { bareRemote, testDatabase, testNats } from '@orkestra/testing';
import type { TestDatabase, TestNats } from '@orkestra/testing';
import { createApp, loadApiConfig } from '../../src/index.js';
import type { CreateApiOptions } from '../../src/index.js';
import { ApiStores } from '../../src/shell/api-stores.js';
import { ReadModels } from '../../src/shell/read-models.service.js';
import { graphqlData } from './graphql-client.js';

/** The api on a free port over a database of its own, and the first admin's token. */
export interface ApiHarness {
  readonly url: string;
  readonly app: INestApplication;
  readonly database: TestDatabase;
  readonly dir: string;
  readonly adminToken: string;
  /** With `nats: true`: the spec's NATS namespace, a bus on it, and the outbox relay publishing the log to it (as the scheduler would). */
  readonly nats?: { readonly nats: TestNats; readonly bus: JetStreamBus };
  /** Registers a user with a token (as the admin) and returns the token. */
  user(id: string, options?: { readonly instanceAdmin?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/**
 * `nats: true` gives the api NATS (and a relay publishing the log to it); `env` adds `ORK_API_*`
 * settings (e.g. short webhook retries); `logger` is where it logs (default: nowhere).
 */
export async function startApi(
  options: { readonly nats?: boolean; readonly env?: Readonly<Record<string, string>>; readonly logger?: CreateApiOptions['logger'] } = {},
): Promise<ApiHarness> {
  const database = await testDatabase();
  const dir = await mkdtemp(path.join(tmpdir(), 'ork-api-'));
  const nats = options.nats === true ? await testNats() : undefined;
  let adminToken: string | undefined;
  const config = loadApiConfig({
    ORK_API_PORT: '0',
    ORK_API_DATABASE_URL: database.url,
    ORK_API_DATA_DIR: path.join(dir, 'data'),
    ...(nats !== undefined && { ORK_API_NATS_URL: nats.url, ORK_API_NATS_NAMESPACE: nats.prefix }),
    ...options.env,
  });
  const app = await createApp(config, { logger: options.logger ?? false, onAdminToken: (token) => (adminToken = token) });
  if (adminToken === undefined) throw new Error('A fresh api did not hand out its first admin token');
  const url = await app.getUrl();
  const admin = adminToken;
  const bus = nats === undefined ? undefined : await connectBus({ servers: nats.url, namespace: nats.prefix });
  const relay = bus === undefined ? undefined : new OutboxRelay({ databaseUrl: database.url, bus, pollMs: 50 });
  relay?.start();
  return {
    url,
    app,
    database,
    dir,
    adminToken: admin,
    ...(nats !== undefined && bus !== undefined && { nats: { nats, bus } }),
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
      await relay?.stop();
      await app.close();
      await bus?.close();
      await nats?.cleanup();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every row of every read model the api keeps, by table, in a stable order (for comparing with a rebuild). */
export async function readModelRows(api: ApiHarness): Promise<Record<string, unknown[]>> {
  const readModels = api.app.get(ReadModels);
  const pool = api.app.get(ApiStores).pool;
  // Everything appended so far applied first: the background loop may be a batch behind.
  const { rows: last } = await pool.query<{ position: string }>('SELECT max(global_position) AS position FROM messages');
  for (const name of readModels.names) {
    await readModels.settle(name, async () => {
      const { rows: at } = await pool.query<{ position: string }>('SELECT global_position AS position FROM checkpoints WHERE name = $1', [name]);
      return Number(at[0]?.position ?? 0) >= Number(last[0]?.position ?? 0);
    });
  }
  const rows: Record<string, unknown[]> = {};
  for (const table of readModels.tables) rows[table] = (await pool.query(`SELECT * FROM ${table} ORDER BY 1, 2`)).rows;
  return rows;
}

/** Empties every read model and replays the whole log into it. */
export async function rebuildReadModels(api: ApiHarness): Promise<void> {
  const readModels = api.app.get(ReadModels);
  for (const name of readModels.names) await readModels.runner.rebuild(name);
}

/** A one-stage workflow (`work`, artifact `summary`) and its prompt: the smallest project that takes Traks. */
export const ONE_STAGE_PROJECT: Readonly<Record<string, string>> = {
  '.orkestra/workflow.yaml': 'flows:\n  default:\n    stages:\n      - name: work\n        artifact: summary\n    integration:\n      on_failure: work\n',
  '.orkestra/agents/work.md': 'Work.',
};

/** A bare remote holding `files` on main, registered as project `id` by the first admin; returns the remote. */
export async function registerProject(api: Pick<ApiHarness, 'url' | 'dir' | 'adminToken'>, id: string, files: Readonly<Record<string, string>> = ONE_STAGE_PROJECT): Promise<string> {
  const remote = await bareRemote(await mkdtemp(path.join(api.dir, `${id}-`)), { ...files });
  await graphqlData(api.url, 'mutation($input: RegisterProjectInput!) { registerProject(input: $input) { id } }', { input: { id, name: id, remote } }, api.adminToken);
  return remote;
}
