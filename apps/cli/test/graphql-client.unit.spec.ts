import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { GraphQLClient } from '../src/shell/graphql-client.js';
import { CliError, EXIT } from '../src/index.js';

// The client against a stand-in HTTP server: what it does with answers that are not a GraphQL server's.

let server: Server;
let endpoint: string;
let answer: (request: IncomingMessage, response: ServerResponse, body: string) => void;
const seen: { authorization?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ ...(request.headers.authorization !== undefined && { authorization: request.headers.authorization }), body });
      answer(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
});

const json = (response: ServerResponse, status: number, value: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
};

const failure = async (promise: Promise<unknown>): Promise<CliError> => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
};

const client = (timeoutMs?: number) => new GraphQLClient({ endpoint, token: 'ork_t', ...(timeoutMs !== undefined && { timeoutMs }) });
const hello = z.object({ hello: z.string() });

describe('the GraphQL client', () => {
  it('sends the token as a bearer and answers the data parsed', async () => {
    answer = (_req, res) => json(res, 200, { data: { hello: 'world' } });
    await expect(client().request('{ hello }', { a: 1 }, hello)).resolves.toEqual({ hello: 'world' });
    expect(seen).toEqual([{ authorization: 'Bearer ork_t', body: JSON.stringify({ query: '{ hello }', variables: { a: 1 } }) }]);
  });

  it('given the first error of an answer, then it reports that one with its code', async () => {
    answer = (_req, res) => json(res, 401, { errors: [{ message: 'The API token is unknown', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect((await failure(client().request('{ hello }', {}, hello))).exitCode).toBe(EXIT.unauthenticated);
  });

  it('given a page that is not GraphQL (a wrong URL), then exit 3 naming the status and to check the URL', async () => {
    answer = (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<h1>Not found</h1>');
    };
    const error = await failure(client().request('{ hello }', {}, hello));
    expect(error.exitCode).toBe(EXIT.unreachable);
    expect(error.message).toBe(`the server at ${endpoint} answered HTTP 404 without a GraphQL answer`);
    expect(error.hint).toContain('--server');
  });

  it('given a proxy that fails twice (502), then it sends the same request again and gets the answer', async () => {
    let calls = 0;
    answer = (_req, res) => {
      if (++calls <= 2) {
        res.writeHead(502);
        res.end('Bad gateway');
      } else json(res, 200, { data: { hello: 'again' } });
    };
    await expect(client().request('mutation { hello }', {}, hello)).resolves.toEqual({ hello: 'again' });
    expect(new Set(seen.map((s) => s.body)).size).toBe(1);
    expect(seen).toHaveLength(3);
  });

  it('given an answer of another shape (another version of the server), then exit 1 naming the field', async () => {
    answer = (_req, res) => json(res, 200, { data: { hello: 42 } });
    const error = await failure(client().request('{ hello }', {}, hello));
    expect(error.exitCode).toBe(EXIT.internal);
    expect(error.message).toContain('hello: ');
    expect(error.details).toEqual({ code: 'UNEXPECTED_ANSWER' });
  });

  it('given no answer in time, then exit 3 saying how long it waited', async () => {
    answer = () => undefined; // never answers
    const error = await failure(client(200).request('{ hello }', {}, hello));
    expect(error.exitCode).toBe(EXIT.unreachable);
    expect(error.message).toContain('no answer within 200 ms');
  });
});
