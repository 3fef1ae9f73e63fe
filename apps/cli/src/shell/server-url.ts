import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';

/**
 * The GraphQL endpoint for what a user calls "the server": its base URL (`http://host:4101`) or the
 * endpoint itself (`…/graphql`) are both accepted, so a URL copied from either place works.
 */
export function graphqlEndpoint(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError(`the server URL ${JSON.stringify(server)} is not a URL`, EXIT.usage, 'Give it as http://host:port, e.g. --server http://127.0.0.1:4101.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`the server URL ${server} is not http(s)`, EXIT.usage, 'Give it as http://host:port or https://host, e.g. --server http://127.0.0.1:4101.');
  }
  if (url.username !== '' || url.password !== '') {
    throw new CliError('the server URL carries credentials', EXIT.usage, 'Give the token with --token (or `ork login`), not in the URL.');
  }
  url.search = '';
  url.hash = '';
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/graphql') ? path : `${path}/graphql`;
  return url.toString();
}

/** The WebSocket URL of the same endpoint (`graphql-ws` subscriptions share the path). */
export const websocketEndpoint = (endpoint: string): string => endpoint.replace(/^http/, 'ws');
