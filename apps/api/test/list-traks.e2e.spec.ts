import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@orkestra/testing';
import { errorCode, graphql, graphqlData } from './support/graphql-client.js';
import { registerProject, startApi } from './support/api-harness.js';
import type { ApiHarness } from './support/api-harness.js';

let api: ApiHarness;
const created: string[] = [];

interface Page {
  readonly traks: { readonly edges: { readonly cursor: string; readonly node: { readonly id: string; readonly title: string } }[]; readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null } };
}

const page = (variables: Record<string, unknown>) =>
  graphqlData<Page>(
    api.url,
    'query($filter: TrakFilter, $first: Int!, $after: String) { traks(filter: $filter, first: $first, after: $after) { edges { cursor node { id title } } pageInfo { hasNextPage endCursor } } }',
    variables,
    api.adminToken,
  );

beforeAll(async () => {
  api = await startApi();
  await registerProject(api, 'shop');
  for (let i = 1; i <= 7; i++) {
    const data = await graphqlData<{ createTrak: { id: string } }>(
      api.url,
      'mutation($input: CreateTrakInput!) { createTrak(input: $input) { id } }',
      { input: { project: 'shop', title: i === 4 ? 'Fix the 100% CPU bug' : `Trak number ${i}`, description: i === 6 ? 'touches the billing module' : '' } },
      api.adminToken,
    );
    created.push(data.createTrak.id);
  }
  await graphqlData(api.url, 'mutation($input: CancelInput!) { cancel(input: $input) { id } }', { input: { trakId: created[1], reason: 'not needed' } }, api.adminToken);
  // The list is a read model: wait until it has every Trak and the cancel.
  await eventually(async () => expect((await page({ first: 50, filter: { status: ['Cancelled'] } })).traks.edges).toHaveLength(1));
  await eventually(async () => expect((await page({ first: 50 })).traks.edges).toHaveLength(7));
}, 60_000);

afterAll(async () => {
  await api?.close();
});

describe('the traks connection', () => {
  it('walks every Trak once, newest first, a page at a time', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { traks } = await page({ first: 3, after });
      seen.push(...traks.edges.map((e) => e.node.id));
      pages++;
      if (!traks.pageInfo.hasNextPage) break;
      after = traks.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...created].reverse());
  });

  it('filters by status and by words of the title or description, with % taken literally', async () => {
    const cancelled = await page({ first: 10, filter: { status: ['Cancelled'] } });
    expect(cancelled.traks.edges.map((e) => e.node.id)).toEqual([created[1]]);
    const percent = await page({ first: 10, filter: { search: '100%' } });
    expect(percent.traks.edges.map((e) => e.node.title)).toEqual(['Fix the 100% CPU bug']);
    const billing = await page({ first: 10, filter: { search: 'BILLING' } });
    expect(billing.traks.edges.map((e) => e.node.id)).toEqual([created[5]]);
  });

  it('refuses a cursor it did not give out, and a page size out of range, naming the argument', async () => {
    const bad = await graphql(api.url, '{ traks(after: "bm90LWEtY3Vyc29y") { edges { cursor } } }', {}, api.adminToken);
    expect(errorCode(bad)).toBe('VALIDATION_FAILED');
    expect(bad.errors?.[0]?.extensions?.['field']).toBe('args.after');
    const huge = await graphql(api.url, '{ traks(first: 1000) { edges { cursor } } }', {}, api.adminToken);
    expect(errorCode(huge)).toBe('VALIDATION_FAILED');
    expect(huge.errors?.[0]?.extensions?.['field']).toBe('args.first');
  });
});
