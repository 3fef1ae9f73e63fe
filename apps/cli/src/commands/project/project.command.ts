import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Option } from 'commander';
import { z } from 'zod';
import type { CliContext, CommandModule } from '../../cli.js';
import { commandTools } from '../../shell/command-tools.js';
import { cut, shortTime } from '../../shell/output.js';

const PROJECT_FIELDS = 'id name remote baseBranch defaultFlow status myRole createdAt settings { integration }';
const projectSchema = z.object({
  id: z.string(),
  name: z.string(),
  remote: z.string(),
  baseBranch: z.string(),
  defaultFlow: z.string().nullable(),
  status: z.string(),
  myRole: z.string().nullable(),
  createdAt: z.string(),
  settings: z.object({ integration: z.string() }),
});

/** A project id from a remote's last path segment: `git@host:team/Payments-API.git` → `payments-api`. */
export function projectIdFromRemote(remote: string): string {
  const last = path.posix.basename(remote.replace(/[\\/]+$/, '').replace(/^.*:/, '/')).replace(/\.git$/i, '');
  const slug = last
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return slug === '' ? 'project' : slug;
}

interface AddOptions {
  readonly id?: string;
  readonly name?: string;
  readonly baseBranch?: string;
  readonly defaultFlow?: string;
  readonly integration?: 'merge' | 'pr';
}

/** `ork project add` and `ork project list`. */
export const projectCommands: CommandModule = (program, context) => {
  const project = program.command('project').description('register and list projects (git repositories Orkestra runs Traks on)');
  project
    .command('add')
    .description('register a git repository as a project (instance admins); you become its first admin')
    .argument('<remote>', 'a git URL the server and runners can reach, or an absolute path to a bare repository')
    .addOption(new Option('--id <slug>', 'the project id used in commands (default: from the remote, e.g. payments-api)'))
    .addOption(new Option('--name <name>', 'a display name (default: the id)'))
    .addOption(new Option('-b, --base-branch <branch>', 'the branch Traks start from and merge into (default: main)'))
    .addOption(new Option('--default-flow <flow>', 'the flow Traks run when none is named (default: the first flow of workflow.yaml)'))
    .addOption(new Option('--integration <how>', 'what a finished Trak does by default').choices(['merge', 'pr']))
    .action((remote: string, options: AddOptions) => add(context, remote, options));
  project
    .command('list')
    .description('the projects you can see, with your role on each')
    .action(() => list(context));
};

async function add(context: CliContext, remote: string, options: AddOptions): Promise<void> {
  const { out, client } = commandTools(context);
  const id = options.id ?? projectIdFromRemote(remote);
  const input = {
    id,
    name: options.name ?? id,
    remote,
    idempotencyKey: randomUUID(),
    ...(options.baseBranch !== undefined && { baseBranch: options.baseBranch }),
    ...(options.defaultFlow !== undefined && { defaultFlow: options.defaultFlow }),
    ...(options.integration !== undefined && { settings: { integration: options.integration } }),
  };
  const { registerProject } = await (await client()).request(
    `mutation($input: RegisterProjectInput!) { registerProject(input: $input) { ${PROJECT_FIELDS} } }`,
    { input },
    z.object({ registerProject: projectSchema }),
  );
  out.result({ project: registerProject }, () => [
    `Registered project ${out.colors.bold(registerProject.id)} (${registerProject.remote}, base branch ${registerProject.baseBranch}).`,
    `Next: \`ork flows --project ${registerProject.id}\` shows its flows; \`ork trak create --project ${registerProject.id} -t "…"\` starts a Trak.`,
  ]);
}

async function list(context: CliContext): Promise<void> {
  const { out, client } = commandTools(context);
  const { projects } = await (await client()).request(`query { projects { ${PROJECT_FIELDS} } }`, {}, z.object({ projects: z.array(projectSchema) }));
  out.result({ projects }, () =>
    projects.length === 0
      ? ['You cannot see any project yet. An instance admin registers one with `ork project add <remote>`.']
      : out.table(
          ['ID', 'NAME', 'BASE', 'ROLE', 'STATUS', 'REMOTE', 'CREATED'],
          projects.map((p) => [out.colors.bold(p.id), cut(p.name, 30), p.baseBranch, p.myRole ?? out.colors.dim('(instance admin)'), p.status, cut(p.remote, 50), shortTime(p.createdAt)]),
        ),
  );
}
