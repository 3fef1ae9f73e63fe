import { hostname } from 'node:os';
import { Option } from 'commander';
import { z } from 'zod';
import type { CliContext, CommandModule } from '../../cli.js';
import { commandTools } from '../../shell/command-tools.js';

interface TokenOptions {
  readonly user?: string;
  readonly name?: string;
  readonly expiresAt?: string;
}

const issuedSchema = z.object({
  issueToken: z.object({
    token: z.string(),
    user: z.object({ id: z.string() }),
    info: z.object({ id: z.string(), name: z.string(), createdAt: z.string(), expiresAt: z.string().nullable() }),
  }),
});

const rebuiltSchema = z.object({ rebuildReadModels: z.array(z.object({ name: z.string(), tables: z.array(z.string()), rows: z.number(), durationMs: z.number() })) });

/** `ork admin token` and `ork admin rebuild`. */
export const adminCommands: CommandModule = (program, context) => {
  const admin = program.command('admin').description('tokens and maintenance of the installation');
  admin
    .command('token')
    .description('issue an API token (yours, or with --user anyone’s, for instance admins); it is shown once')
    .addOption(new Option('--user <id>', 'whose token (default: yours)'))
    .addOption(new Option('--name <name>', 'what it is for, e.g. laptop or ci (default: ork on this host)'))
    .addOption(new Option('--expires-at <iso>', 'when it stops working, ISO-8601 (default: never)'))
    .action((options: TokenOptions) => token(context, options));
  admin
    .command('rebuild')
    .description('rebuild every read model of the server from its event log (instance admins; run it at a quiet moment)')
    .action(() => rebuild(context));
};

async function token(context: CliContext, options: TokenOptions): Promise<void> {
  const { out, client } = commandTools(context);
  const input = {
    name: options.name ?? `ork on ${hostname()}`,
    ...(options.user !== undefined && { userId: options.user }),
    ...(options.expiresAt !== undefined && { expiresAt: options.expiresAt }),
  };
  const { issueToken } = await (await client()).request(
    'mutation($input: IssueTokenInput!) { issueToken(input: $input) { token user { id } info { id name createdAt expiresAt } } }',
    { input },
    issuedSchema,
  );
  out.result({ token: issueToken.token, userId: issueToken.user.id, tokenId: issueToken.info.id, name: issueToken.info.name, expiresAt: issueToken.info.expiresAt }, () => [
    issueToken.token,
    out.colors.dim(
      `Token ${issueToken.info.id} ("${issueToken.info.name}") for ${issueToken.user.id}${issueToken.info.expiresAt === null ? '' : `, until ${issueToken.info.expiresAt}`}. Store it now: it is never shown again.`,
    ),
  ]);
}

async function rebuild(context: CliContext): Promise<void> {
  const { out, client } = commandTools(context);
  const { rebuildReadModels } = await (await client()).request('mutation { rebuildReadModels { name tables rows durationMs } }', {}, rebuiltSchema, { timeoutMs: 0 });
  out.result({ rebuilt: rebuildReadModels }, () => [
    out.table(
      ['READ MODEL', 'TABLES', 'ROWS', 'TIME'],
      rebuildReadModels.map((r) => [r.name, r.tables.join(', '), String(r.rows), `${(r.durationMs / 1000).toFixed(1)} s`]),
    ),
    `Rebuilt ${rebuildReadModels.length} read models from the log.`,
  ]);
}
