import { z } from 'zod';
import { CliError } from '../../shell/cli-error.js';
import { EXIT } from '../../shell/exit-codes.js';
import type { GraphQLClient } from '../../shell/graphql-client.js';

/**
 * The project a command works on: the one named, else the only one the caller can see. With
 * several and none named, the error lists them so the next command line is easy to write.
 */
export async function chooseProject(client: GraphQLClient, named: string | undefined): Promise<string> {
  if (named !== undefined) return named;
  const { projects } = await client.request('query { projects { id status } }', {}, z.object({ projects: z.array(z.object({ id: z.string(), status: z.string() })) }));
  const open = projects.filter((p) => p.status === 'Active');
  if (open.length === 1) return open[0]!.id;
  if (open.length === 0) {
    throw new CliError('you cannot see any project yet', EXIT.notFound, 'An instance admin registers one with `ork project add <remote>`; a project admin can then add you to it.');
  }
  throw new CliError(`which project? you can see ${open.length}: ${open.map((p) => p.id).join(', ')}`, EXIT.usage, 'Name one with --project <id>.');
}
