import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorCode, graphql, graphqlData } from './support/graphql-client.js';
import { readModelRows, registerProject, startApi } from './support/api-harness.js';
import type { ApiHarness } from './support/api-harness.js';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
  await registerProject(api, 'shop');
  for (const title of ['One', 'Two']) {
    await graphqlData(api.url, 'mutation($t: String!) { createTrak(input: { project: "shop", title: $t, description: "" }) { id } }', { t: title }, api.adminToken);
  }
}, 60_000);

afterAll(async () => {
  await api?.close();
});

describe('rebuildReadModels', () => {
  it('given an instance admin, when rebuilding, then every read model is replayed from the log and holds exactly the rows it held', async () => {
    const before = await readModelRows(api);
    const { rebuildReadModels } = await graphqlData<{ rebuildReadModels: { name: string; tables: string[]; rows: number; durationMs: number }[] }>(
      api.url,
      'mutation { rebuildReadModels { name tables rows durationMs } }',
      {},
      api.adminToken,
    );
    expect(rebuildReadModels.map((r) => r.name).sort()).toEqual(['read.projects', 'read.trak_timeline', 'read.traks', 'read.users']);
    expect(rebuildReadModels.flatMap((r) => r.tables).sort()).toEqual(Object.keys(before).sort());
    const after = await readModelRows(api);
    expect(after).toEqual(before);
    for (const rebuilt of rebuildReadModels) expect(rebuilt.rows).toBe(rebuilt.tables.reduce((n, table) => n + after[table]!.length, 0));
    expect(rebuildReadModels.find((r) => r.name === 'read.traks')!.rows).toBe(2);
  });

  it('given anyone else, then FORBIDDEN and nothing is emptied', async () => {
    const token = await api.user('olga');
    const before = await readModelRows(api);
    const refused = await graphql(api.url, 'mutation { rebuildReadModels { name } }', {}, token);
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(refused.errors?.[0]?.message).toBe('Only instance admins rebuild read models');
    expect(await readModelRows(api)).toEqual(before);
  });
});
