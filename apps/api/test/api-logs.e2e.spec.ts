import { eventually } from '@orkestra/testing';
import { ApiStores } from '../src/shell/api-stores.js';
import { registerProject, startApi } from './support/api-harness.js';
import type { ApiHarness } from './support/api-harness.js';

// The api as deployed, logging JSON lines: a GraphQL mutation is served under the caller's
// x-correlation-id (or one the api makes), its line in the log names it, and the events the
// mutation appends carry it, so the scheduler and the runners serve what follows under it too.
let api: ApiHarness;
const written: string[] = [];

beforeAll(async () => {
  api = await startApi({ logger: { write: (line: string) => void written.push(line) } });
  await registerProject(api, 'shop');
}, 30_000);

afterAll(async () => {
  await api?.close();
});

async function createTrak(title: string, headers: Record<string, string> = {}): Promise<{ trakId: string; correlationId: string | null }> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}`, ...headers },
    body: JSON.stringify({ operationName: 'CreateTrak', query: `mutation CreateTrak { createTrak(input: { project: "shop", title: "${title}", description: "" }) { id } }` }),
  });
  const body = (await response.json()) as { data: { createTrak: { id: string } } };
  return { trakId: body.data.createTrak.id, correlationId: response.headers.get('x-correlation-id') };
}

const lines = (): Record<string, unknown>[] => written.map((line) => JSON.parse(line) as Record<string, unknown>);
const correlationsOf = async (trakId: string): Promise<unknown[]> => [...new Set((await api.app.get(ApiStores).traks.read(trakId)).events.map((e) => e.metadata['correlationId']))];

describe('a GraphQL mutation', () => {
  it("given the caller's x-correlation-id, logs one JSON line for it with that id, and the events it appends carry the id", async () => {
    const { trakId, correlationId } = await createTrak('Add a health endpoint', { 'x-correlation-id': 'cli-4e1b' });

    expect(correlationId).toBe('cli-4e1b');
    await eventually(() => expect(lines().filter((line) => line['correlationId'] === 'cli-4e1b')).toHaveLength(1));
    expect(lines().filter((line) => line['correlationId'] === 'cli-4e1b')).toEqual([
      {
        level: 'info',
        time: expect.any(String),
        service: 'api',
        correlationId: 'cli-4e1b',
        method: 'POST',
        path: '/graphql',
        status: 200,
        responseTime: expect.any(Number),
        operation: 'CreateTrak',
        msg: 'POST /graphql 200',
      },
    ]);
    expect(await correlationsOf(trakId)).toEqual(['cli-4e1b']);
  });

  it('given none, is served under an id the api makes and answers with', async () => {
    const { trakId, correlationId } = await createTrak('Add a ready endpoint');

    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await correlationsOf(trakId)).toEqual([correlationId]);
  });

  it('never writes a line whose message is another line encoded', () => {
    expect(lines().filter((line) => typeof line['msg'] !== 'string' || (line['msg'] as string).startsWith('{'))).toEqual([]);
  });
});
