import type { CliContext } from '../cli.js';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';
import { GraphQLClient } from './graphql-client.js';
import { readLogin } from './login-store.js';
import { graphqlEndpoint } from './server-url.js';

const LOGIN_HINT = 'Run `ork login` (or pass --server and --token, or set ORK_SERVER and ORK_TOKEN).';

/**
 * A client for the server this command line names: `--server` / `ORK_SERVER`, else the stored
 * login's; and `--token` / `ORK_TOKEN`, else the stored token, but only for the server it was
 * stored for (a token is never sent to another server).
 */
export async function connect(context: CliContext): Promise<GraphQLClient> {
  const globals = context.globals();
  const login = await readLogin(context.io.env);
  const server = globals.server ?? login?.server;
  if (server === undefined) throw new CliError('no server to talk to: you have not logged in', EXIT.unauthenticated, LOGIN_HINT);
  const endpoint = graphqlEndpoint(server);
  const token = globals.token ?? (login !== undefined && graphqlEndpoint(login.server) === endpoint ? login.token : undefined);
  if (token === undefined) {
    throw new CliError(`no token for ${endpoint}`, EXIT.unauthenticated, login === undefined ? LOGIN_HINT : `Your login is for ${login.server}: run \`ork login --server ${server}\`, or pass --token.`);
  }
  return new GraphQLClient({ endpoint, token });
}
