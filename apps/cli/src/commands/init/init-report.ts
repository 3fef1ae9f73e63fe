import path from 'node:path';
import type { Writable } from 'node:stream';
import Table from 'cli-table3';
import pc from 'picocolors';
import type { BootstrapStatus, BootstrappedFile } from '@orkestra/workflow-config';

/** Everything `ork init` found and did, as printed (and as the `--json` document). */
export interface InitReport {
  /** The repository's root, where `.orkestra/` is. */
  readonly root: string;
  readonly force: boolean;
  readonly files: readonly BootstrappedFile[];
  /** The workflow as the server will load it: its flows, or the problems of an edited file. */
  readonly workflow:
    | { readonly ok: true; readonly flows: readonly { readonly name: string; readonly stages: readonly string[] }[] }
    | { readonly ok: false; readonly problems: readonly string[]; readonly omitted?: number };
  /** `.orkestra/` has changes git has not committed yet. */
  readonly uncommitted: boolean;
  /** The repository's remote URL, when it has one. */
  readonly remote?: string;
}

export interface RenderOptions {
  readonly json: boolean;
  readonly tty: boolean;
  readonly columns?: number | undefined;
}

/** One thing to do after `ork init`: a command, and why. */
export interface NextStep {
  readonly command: string;
  readonly why: string;
}

/** What to run next, in order: a remote if there is none, commit and push if needed, then register the project. */
export function nextSteps(report: InitReport): NextStep[] {
  return [
    ...(report.remote === undefined ? [{ command: 'git remote add origin <url>', why: 'the server and its runners work from a remote they can reach' }] : []),
    ...(report.uncommitted
      ? [
          { command: 'git add .orkestra && git commit -m "Set up Orkestra"', why: 'Traks only see what is committed' },
          { command: 'git push', why: 'the server reads .orkestra/ from the base branch on the remote' },
        ]
      : []),
    { command: `ork project add ${report.remote ?? '<url>'}`, why: 'register the repository with the server, then create Traks in it' },
  ];
}

const count = (files: readonly BootstrappedFile[], status: BootstrapStatus): number => files.filter((f) => f.status === status).length;

/** Prints the report: a table on a terminal, plain lines in a pipe, one JSON document with `--json`. */
export function renderInitReport(report: InitReport, options: RenderOptions, out: Writable, err: Writable): void {
  if (options.json) {
    out.write(`${JSON.stringify(jsonDocument(report))}\n`);
    return;
  }
  const colour = pc.createColors(options.tty);
  const lines: string[] = [headline(report), ''];
  lines.push(options.tty ? fileTable(report, colour, options.columns) : report.files.map(plainLine).join('\n'));
  const kept = report.files.filter((f) => f.owner === 'orkestra' && f.status === 'kept');
  if (kept.length > 0) {
    lines.push('', `${kept.length === 1 ? '1 template differs' : `${kept.length} templates differ`} from ork's current version and ${kept.length === 1 ? 'was' : 'were'} kept; \`ork init --force\` replaces ${kept.length === 1 ? 'it' : 'them'}.`);
  }
  const refreshed = report.files.filter((f) => f.status === 'refreshed');
  if (refreshed.length > 0) {
    lines.push('', `Replaced ${refreshed.length === 1 ? '1 template' : `${refreshed.length} templates`} with ork's version; \`git diff .orkestra\` shows what changed, \`git checkout -- <file>\` brings yours back.`);
  }
  if (report.workflow.ok) {
    lines.push('', 'Flows (the first is the default for new Traks):');
    const nameWidth = Math.max(...report.workflow.flows.map((f) => f.name.length));
    for (const flow of report.workflow.flows) lines.push(`  ${colour.bold(flow.name.padEnd(nameWidth))}  ${flow.stages.join(' → ')}`);
  }
  const steps = nextSteps(report);
  const width = Math.max(...steps.map((step) => step.command.length));
  lines.push('', 'Next:', ...steps.map((step) => `  ${colour.cyan(step.command.padEnd(width))}  ${colour.dim(`# ${step.why}`)}`));
  out.write(`${lines.join('\n')}\n`);
  if (!report.workflow.ok) {
    const { problems, omitted } = report.workflow;
    err.write(
      [
        `warning: .orkestra/workflow.yaml has ${problems.length + (omitted ?? 0) === 1 ? 'a problem' : 'problems'}; the server will refuse new Traks until it is fixed:`,
        ...problems.map((p) => `  ${p}`),
        ...(omitted ? [`  …and ${omitted} more`] : []),
        'Fix the file, or move it away and run `ork init` to get the default back.',
        '',
      ].join('\n'),
    );
  }
}

function headline(report: InitReport): string {
  const where = path.join(report.root, '.orkestra');
  const created = count(report.files, 'created');
  const refreshed = count(report.files, 'refreshed');
  const executable = report.files.filter((f) => f.madeExecutable).length;
  if (created === report.files.length) return `Set up ${where}: ${created} files created.`;
  if (created + refreshed + executable === 0) return `Nothing to do: ${where} already has every file, and none was changed.`;
  const parts = [created > 0 && `${created} created`, refreshed > 0 && `${refreshed} refreshed`, executable > 0 && `${executable} made executable again`].filter(Boolean);
  return `Updated ${where}: ${parts.join(', ')}; everything else was left as it was.`;
}

function plainLine(file: BootstrappedFile): string {
  const note = noteOf(file);
  return `${file.status.padEnd(10)} ${file.path}${note === undefined ? '' : `  (${note})`}`;
}

function noteOf(file: BootstrappedFile): string | undefined {
  const notes: string[] = [];
  if (file.status === 'kept') notes.push(file.owner === 'project' ? 'yours: ork never overwrites it' : "differs from ork's template; --force replaces it");
  if (file.status === 'refreshed') notes.push("replaced by ork's template");
  if (file.madeExecutable) notes.push('made executable again');
  return notes.length === 0 ? undefined : notes.join('; ');
}

function fileTable(report: InitReport, colour: ReturnType<typeof pc.createColors>, columns: number | undefined): string {
  const paint: Record<BootstrapStatus, (s: string) => string> = { created: colour.green, refreshed: colour.yellow, kept: colour.blue, unchanged: colour.dim };
  const withNotes = report.files.some((file) => noteOf(file) !== undefined);
  const table = new Table({
    head: withNotes ? ['File', 'Result', 'Note'] : ['File', 'Result'],
    style: { head: [], border: [], compact: true },
    wordWrap: true,
    // Paths and results are short; a long note wraps within what the terminal has left.
    ...(withNotes && columns !== undefined && columns > 72 && { colWidths: [null, null, columns - 50] }),
  });
  for (const file of report.files) {
    const row = [file.path, paint[file.status](file.status)];
    table.push(withNotes ? [...row, noteOf(file) ?? ''] : row);
  }
  return table.toString();
}

function jsonDocument(report: InitReport): Record<string, unknown> {
  const statuses: BootstrapStatus[] = ['created', 'unchanged', 'kept', 'refreshed'];
  return {
    root: report.root,
    force: report.force,
    files: report.files,
    counts: Object.fromEntries(statuses.map((s) => [s, count(report.files, s)])),
    workflow: report.workflow,
    uncommitted: report.uncommitted,
    remote: report.remote ?? null,
    next: nextSteps(report),
  };
}
