import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import type { CliContext, CommandModule } from '../../cli.js';
import { commandTools, positiveInt } from '../../shell/command-tools.js';
import { missing } from '../../shell/prompts.js';
import { chooseProject } from '../project/project-choice.js';
import { watchTrak } from '../watch/watch-trak.js';
import { answerCommand } from './answer.command.js';
import { steeringCommands } from './steer.command.js';
import { TRAK_QUERY, TRAK_STATUSES, TRAK_SUMMARY, trakQuerySchema, trakSummarySchema } from './trak-fields.js';
import type { TrakStatus } from './trak-fields.js';
import { TRAK_ROW_HEAD, renderTrak, trakLine, trakRow } from './trak-render.js';

/** `ork trak …`: create, list and show Traks, and steer them (each steering verb is one api mutation). */
export const trakCommands: CommandModule = (program, context) => {
  const trak = program.command('trak').alias('task').description('create, list, show and steer Traks');

  trak
    .command('create')
    .description('create a Trak on a project; it starts at once on the flow read from the base branch')
    .addOption(new Option('-t, --title <title>', 'what it is (asked on a terminal when missing)'))
    .addOption(new Option('-d, --description <text>', 'what to do, in as much detail as helps'))
    .addOption(new Option('-p, --project <id>', 'the project (default: the only one you can see)'))
    .addOption(new Option('-b, --base-branch <branch>', "the branch to start from and integrate into (default: the project's)"))
    .addOption(new Option('--flow <name>', "a flow of the project's workflow.yaml (default: its default flow)"))
    .addOption(new Option('--auto', 'auto mode: skip every human pause'))
    .addOption(new Option('--pr', 'open a pull request when done instead of merging'))
    .addOption(new Option('--merge', 'merge when done instead of opening a pull request').conflicts('pr'))
    .addOption(new Option('--wait', 'then watch it until it ends (exit 0 when done, 8 when failed, blocked or cancelled)'))
    .action((options: CreateOptions) => create(context, options));

  trak
    .command('list')
    .description('the Traks you can see, newest first')
    .addOption(new Option('-p, --project <id>', 'only this project'))
    .addOption(new Option('-s, --status <statuses>', `only these statuses, comma-separated (${TRAK_STATUSES.join(', ')}), or "active"`).argParser(parseStatuses))
    .addOption(new Option('--needs-human', 'only Traks waiting for a person'))
    .addOption(new Option('--parent <id>', 'only Subtraks of this Trak'))
    .addOption(new Option('--search <words>', 'words in the title or description'))
    .addOption(new Option('-n, --limit <n>', 'at most this many').argParser(positiveInt).default(50))
    .action((options: ListOptions) => list(context, options));

  trak
    .command('show')
    .description('where a Trak stands: status, what it waits for, questions, the artifact to review, iterations')
    .argument('<trak>', 'the Trak id')
    .action((id: string) => show(context, id));

  steeringCommands(trak, context);
  answerCommand(trak, context);
};

interface CreateOptions {
  readonly title?: string;
  readonly description?: string;
  readonly project?: string;
  readonly baseBranch?: string;
  readonly flow?: string;
  readonly auto?: boolean;
  readonly pr?: boolean;
  readonly merge?: boolean;
  readonly wait?: boolean;
}

async function create(context: CliContext, options: CreateOptions): Promise<void> {
  const tools = commandTools(context);
  const { out } = tools;
  const client = await tools.client();
  const ask = tools.prompter();
  const project = await chooseProject(client, options.project);
  const title = options.title ?? (ask === undefined ? undefined : await ask.text('Title'));
  if (title === undefined) throw missing('the title', '-t/--title');
  const description = options.description ?? (ask === undefined ? '' : await ask.text('Description (what to do)', { required: false }));
  const input = {
    project,
    title,
    description,
    idempotencyKey: randomUUID(),
    ...(options.baseBranch !== undefined && { baseBranch: options.baseBranch }),
    ...(options.flow !== undefined && { flow: options.flow }),
    ...(options.auto === true && { autoMode: true }),
    ...(options.pr === true && { autoPr: true }),
    ...(options.merge === true && { autoPr: false }),
  };
  const { createTrak } = await client.request(`mutation($input: CreateTrakInput!) { createTrak(input: $input) { ${TRAK_SUMMARY} } }`, { input }, z.object({ createTrak: trakSummarySchema }));
  if (options.wait === true) {
    if (!out.json) out.lines(`Created ${trakLine(out, createTrak)}`);
    await watchTrak(tools, client, createTrak.id);
    return;
  }
  out.result({ trak: createTrak }, () => [`Created ${trakLine(out, createTrak)}`, `Next: follow it with \`ork watch ${createTrak.id}\`.`]);
}

interface ListOptions {
  readonly project?: string;
  readonly status?: readonly TrakStatus[];
  readonly needsHuman?: boolean;
  readonly parent?: string;
  readonly search?: string;
  readonly limit: number;
}

const ACTIVE: readonly TrakStatus[] = TRAK_STATUSES.filter((s) => s !== 'Done' && s !== 'Archived' && s !== 'Cancelled');

/** `AwaitingApproval,failed` → the api's statuses (any case); `active` is everything not ended. */
export function parseStatuses(value: string): TrakStatus[] {
  const wanted = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const statuses = wanted.flatMap((word) => {
    if (word.toLowerCase() === 'active') return ACTIVE;
    const found = TRAK_STATUSES.find((s) => s.toLowerCase() === word.toLowerCase());
    if (found === undefined) throw new InvalidArgumentError(`unknown status "${word}"; expected ${TRAK_STATUSES.join(', ')} or active.`);
    return [found];
  });
  return [...new Set(statuses)];
}

const pageSchema = z.object({
  traks: z.object({
    edges: z.array(z.object({ node: trakSummarySchema })),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});

async function list(context: CliContext, options: ListOptions): Promise<void> {
  const { out, client } = commandTools(context);
  const api = await client();
  const filter = {
    ...(options.project !== undefined && { project: options.project }),
    ...(options.status !== undefined && { status: options.status }),
    ...(options.needsHuman === true && { needsHuman: true }),
    ...(options.parent !== undefined && { parent: options.parent }),
    ...(options.search !== undefined && { search: options.search }),
  };
  const traks: z.infer<typeof trakSummarySchema>[] = [];
  let after: string | null = null;
  let more = true;
  while (more && traks.length < options.limit) {
    const page: z.infer<typeof pageSchema> = await api.request(
      `query($filter: TrakFilter, $first: Int!, $after: String) { traks(filter: $filter, first: $first, after: $after) { edges { node { ${TRAK_SUMMARY} } } pageInfo { hasNextPage endCursor } } }`,
      { filter, first: Math.min(100, options.limit - traks.length), after },
      pageSchema,
    );
    traks.push(...page.traks.edges.map((e) => e.node));
    more = page.traks.pageInfo.hasNextPage;
    after = page.traks.pageInfo.endCursor;
  }
  out.result({ traks, hasMore: more }, () => [
    traks.length === 0 ? 'No Traks match.' : out.table(TRAK_ROW_HEAD, traks.map((t) => trakRow(out, t))),
    ...(more ? [out.colors.dim(`(more: raise --limit above ${options.limit} to see them)`)] : []),
  ]);
}

async function show(context: CliContext, id: string): Promise<void> {
  const { out, client } = commandTools(context);
  const { trak } = await (await client()).request(TRAK_QUERY, { id }, trakQuerySchema);
  out.result({ trak }, () => renderTrak(out, trak));
}

