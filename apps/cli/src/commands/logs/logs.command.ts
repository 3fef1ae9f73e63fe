import { Option } from 'commander';
import { z } from 'zod';
import type { CliContext, CommandModule } from '../../cli.js';
import { QuietExit } from '../../shell/cli-error.js';
import { commandTools, positiveInt } from '../../shell/command-tools.js';
import { EXIT } from '../../shell/exit-codes.js';
import { interruption } from '../../shell/interruption.js';
import { SUCCESSFUL_ENDS, UNSUCCESSFUL_ENDS } from '../trak/trak-fields.js';
import { followTrak } from '../watch/trak-follower.js';
import { LOG_LINE_FIELDS, formatLogLine, logLineSchema } from './log-format.js';
import type { LogLine } from './log-format.js';

interface LogsOptions {
  readonly follow?: boolean;
  readonly stage?: string;
  readonly limit?: number;
}

const pageSchema = z.object({ logs: z.object({ lines: z.array(logLineSchema), hasMore: z.boolean(), endCursor: z.string().nullable() }) });

/** How long a follow waits for the last lines after the Trak ended (runners publish them just before their result). */
const TRAILING_MS = 1_000;

/** `ork logs <trak> [-f]`: what the agents and gates of a Trak printed. */
export const logsCommand: CommandModule = (program, context) => {
  program
    .command('logs')
    .description("a Trak's agent and gate output; -f follows it live until the Trak ends (or Ctrl-C)")
    .argument('<trak>', 'the Trak id')
    .addOption(new Option('-f, --follow', 'keep printing new lines until the Trak ends'))
    .addOption(new Option('-s, --stage <stage>', "only this stage's lines"))
    .addOption(new Option('-n, --limit <n>', 'at most this many lines of history').argParser(positiveInt))
    .action((id: string, options: LogsOptions) => logs(context, id, options));
};

async function logs(context: CliContext, id: string, options: LogsOptions): Promise<void> {
  const tools = commandTools(context);
  const { out } = tools;
  const client = await tools.client();
  const follow = options.follow === true;
  const print = (line: LogLine) => (out.json ? out.jsonLine(line) : out.lines(formatLogLine(line, out.colors)));

  // The history, a page at a time; with --json and no -f it is one document.
  const history: LogLine[] = [];
  let after: string | null = null;
  for (let more = true; more && (options.limit === undefined || history.length < options.limit); ) {
    const first = Math.min(500, options.limit === undefined ? 500 : options.limit - history.length);
    const { logs: page }: z.infer<typeof pageSchema> = await client.request(
      `query($trakId: ID!, $stage: String, $after: String, $first: Int!) { logs(trakId: $trakId, stage: $stage, after: $after, first: $first) { lines { ${LOG_LINE_FIELDS} } hasMore endCursor } }`,
      { trakId: id, stage: options.stage ?? null, after, first },
      pageSchema,
    );
    if (follow) page.lines.forEach(print);
    else history.push(...page.lines);
    after = page.endCursor ?? after;
    more = page.hasMore;
  }
  if (!follow) {
    out.result({ trakId: id, stage: options.stage ?? null, lines: history, endCursor: after }, () =>
      history.length === 0 ? [out.colors.dim(`No output yet${options.stage === undefined ? '' : ` for stage ${options.stage}`}: follow it with \`ork logs ${id} -f\`.`)] : history.map((l) => formatLogLine(l, out.colors)),
    );
    return;
  }

  const stop = interruption(tools.io);
  const follower = followTrak(client, id, stop.signal, { logsAfter: after });
  let ended: string | undefined;
  try {
    for await (const change of follower.changes) {
      if (change.kind === 'log') {
        if (options.stage === undefined || change.line.stage === options.stage) print(change.line);
      } else if (ended === undefined && (SUCCESSFUL_ENDS.has(change.trak.status) || UNSUCCESSFUL_ENDS.has(change.trak.status))) {
        ended = change.trak.status;
        setTimeout(() => follower.stop(), TRAILING_MS).unref();
      }
    }
    if (ended === undefined) throw new QuietExit(EXIT.interrupted);
    if (!out.json) out.lines(out.colors.dim(`(${id} is ${ended}: no more output will come)`));
  } finally {
    follower.stop();
    stop.dispose();
  }
}
