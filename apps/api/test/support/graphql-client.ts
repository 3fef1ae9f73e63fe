import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphQLResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly data?: T | null;
  readonly errors?: readonly { readonly message: string; readonly path?: readonly string[]; readonly extensions?: Record<string, unknown> }[];
}

/** Posts one GraphQL operation over HTTP as a client would, with the token as a bearer. */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== undefined && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...body };
}

/** Like {@link graphql}, but fails the test with the errors when there are any, and returns the data. */
export async function graphqlData<T = Record<string, unknown>>(url: string, query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const response = await graphql<T>(url, query, variables, token);
  if (response.errors !== undefined && response.errors.length > 0) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors, null, 2)}`);
  }
  return response.data as T;
}

/** The first error's code (`extensions.code`), for asserting typed errors. */
export const errorCode = (response: GraphQLResponse<unknown>): unknown => response.errors?.[0]?.extensions?.['code'];

/** A graphql-ws client on the api's WebSocket endpoint, authenticated with the token. */
export function subscriptionClient(url: string, token: string | undefined): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token === undefined ? {} : { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
}
