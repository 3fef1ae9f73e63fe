import { Option } from 'commander';
import { z } from 'zod';
import type { CliContext, CommandModule } from '../../cli.js';
import { CliError } from '../../shell/cli-error.js';
import { commandTools } from '../../shell/command-tools.js';
import { EXIT } from '../../shell/exit-codes.js';
import { GraphQLClient } from '../../shell/graphql-client.js';
import { readLogin, removeLogin, writeLogin } from '../../shell/login-store.js';
import { missing } from '../../shell/prompts.js';
import { graphqlEndpoint } from '../../shell/server-url.js';

/** Where `ork login` points when nothing says otherwise: the api's default address. */
export const DEFAULT_SERVER = 'http://127.0.0.1:4101';

const ME = 'query { me { tokenId user { id name instanceAdmin } memberships { projectId role } } }';
const meSchema = z.object({
  me: z.object({
    tokenId: z.string(),
    user: z.object({ id: z.string(), name: z.string(), instanceAdmin: z.boolean() }),
    memberships: z.array(z.object({ projectId: z.string(), role: z.string() })),
  }),
});

/** `ork login` and `ork logout`: the server and token every other command uses. */
export const loginCommands: CommandModule = (program, context) => {
  program
    .command('login')
    .description('store the server URL and your API token (checked with the server first) for the other commands')
    .addHelpText('after', '\nThe server and token come from --server/--token (or ORK_SERVER/ORK_TOKEN); on a terminal ork asks for what is missing.\nThe login is kept in $ORK_HOME/login.json (default ~/.orkestra), readable by you only.')
    .action(() => login(context));

  program
    .command('logout')
    .description('forget the stored login (the token keeps working on the server unless you --revoke it)')
    .addOption(new Option('--revoke', 'also revoke the token on the server, so nobody can use it again'))
    .action((options: { revoke?: boolean }) => logout(context, options.revoke === true));
};

async function login(context: CliContext): Promise<void> {
  const { io, out, prompter } = commandTools(context);
  const globals = context.globals();
  const stored = await readLogin(io.env).catch(() => undefined); // a damaged file is about to be replaced
  const ask = prompter();
  const server = globals.server ?? (ask === undefined ? undefined : await ask.text('Orkestra server URL', { default: stored?.server ?? DEFAULT_SERVER }));
  if (server === undefined) throw missing('the server URL', '--server (or ORK_SERVER)');
  const endpoint = graphqlEndpoint(server);
  const token = globals.token ?? (ask === undefined ? undefined : await ask.secret(`API token for ${endpoint}`));
  if (token === undefined) throw missing('the API token', '--token (or ORK_TOKEN)');

  const { me } = await new GraphQLClient({ endpoint, token: token.trim() }).request(ME, {}, meSchema);
  const file = await writeLogin(io.env, { server: endpoint, token: token.trim() });
  out.result({ server: endpoint, user: me.user, memberships: me.memberships, file }, () => [
    `Logged in to ${out.colors.bold(endpoint)} as ${out.colors.bold(me.user.id)}${me.user.instanceAdmin ? ' (instance admin)' : ''}.`,
    me.memberships.length === 0
      ? me.user.instanceAdmin
        ? 'Next: register a repository with `ork project add <remote>`.'
        : 'You are not a member of any project yet: ask a project admin to add you.'
      : `Projects: ${me.memberships.map((m) => `${m.projectId} (${m.role})`).join(', ')}. Next: \`ork trak list\`.`,
    out.colors.dim(`Saved in ${file}.`),
  ]);
}

async function logout(context: CliContext, revoke: boolean): Promise<void> {
  const tools = commandTools(context);
  let revoked: string | undefined;
  if (revoke) {
    const client = await tools.client();
    const { me } = await client.request(ME, {}, meSchema);
    await client.request('mutation($input: RevokeTokenInput!) { revokeToken(input: $input) { id } }', { input: { tokenId: me.tokenId } }, z.object({ revokeToken: z.object({ id: z.string() }) }));
    revoked = me.tokenId;
  }
  const file = await removeLogin(tools.io.env);
  if (file === undefined && !revoke) {
    throw new CliError('you are not logged in (no stored login)', EXIT.usage, 'Nothing to do; `ork login` stores one.');
  }
  tools.out.result({ removed: file ?? null, revokedTokenId: revoked ?? null }, () => [
    file === undefined ? 'There was no stored login.' : `Logged out: removed ${file}.`,
    revoked === undefined ? tools.out.colors.dim('The token itself still works on the server; `ork logout --revoke` revokes it.') : `Revoked token ${revoked} on the server.`,
  ]);
}
