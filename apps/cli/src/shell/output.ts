import Table from 'cli-table3';
import pc from 'picocolors';
import type { CliIo } from '../cli.js';

export type Colors = ReturnType<typeof pc.createColors>;

/** Plain text, e.g. for measuring a line before colouring it. */
export const NO_COLORS: Colors = pc.createColors(false);

/** Colour only for a person at a terminal: not when piped, and never with NO_COLOR (https://no-color.org) or TERM=dumb. */
export function colorsEnabled(io: Pick<CliIo, 'stdout' | 'env'>): boolean {
  return io.stdout.isTTY === true && (io.env['NO_COLOR'] ?? '') === '' && io.env['TERM'] !== 'dumb';
}

/**
 * Where a command's results go. With `--json`, exactly one JSON document on stdout (streaming
 * commands: one per line); otherwise lines and tables for people, coloured on a terminal.
 */
export class Output {
  readonly colors: Colors;
  /** Whether colours are on (a terminal, no NO_COLOR, not --json). */
  readonly colorful: boolean;

  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
  ) {
    this.colorful = !json && colorsEnabled(io);
    this.colors = pc.createColors(this.colorful);
  }

  /** Where results go (for a spinner that must share the terminal with them). */
  get stream(): CliIo['stdout'] {
    return this.io.stdout;
  }

  /** A terminal a person sits at (stdin and stdout), where ork may prompt and animate. */
  get interactive(): boolean {
    return !this.json && this.io.stdin.isTTY === true && this.io.stdout.isTTY === true;
  }

  get width(): number {
    return this.io.stdout.columns ?? 100;
  }

  /** The command's result: `document` with --json, else what `human` renders. */
  result(document: unknown, human: () => string | readonly string[]): void {
    if (this.json) this.jsonLine(document);
    else this.lines(human());
  }

  /** One JSON document on one line (the result, or one update of a stream). */
  jsonLine(document: unknown): void {
    this.io.stdout.write(`${JSON.stringify(document)}\n`);
  }

  /** Lines for people (never with --json). */
  lines(text: string | readonly string[]): void {
    if (this.json) return;
    const all = typeof text === 'string' ? [text] : text;
    if (all.length > 0) this.io.stdout.write(`${all.join('\n')}\n`);
  }

  /** A table with a bold header; cells are cut to fit the terminal where it is narrow. */
  table(head: readonly string[], rows: readonly (readonly string[])[]): string {
    const table = new Table({
      head: head.map((h) => this.colors.bold(h)),
      style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
      chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '' },
      wordWrap: false,
    });
    for (const row of rows) table.push([...row]);
    return table.toString().split('\n').map((line) => line.trimEnd()).join('\n');
  }

  /** A Trak status coloured by what it means for a person: green done, red stopped, yellow waiting on you. */
  status(status: string): string {
    const c = this.colors;
    if (status === 'Done' || status === 'Archived') return c.green(status);
    if (status === 'Failed' || status === 'Blocked' || status === 'Cancelled') return c.red(status);
    if (status.startsWith('Awaiting') || status === 'Interrupted') return c.yellow(status);
    if (status === 'AgentRunning' || status === 'GateRunning' || status === 'Integrating') return c.cyan(status);
    return status;
  }
}

/** `text` cut to `max` characters with an ellipsis. */
export const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`);

/** `2026-12-02T10:00:00.000Z` → `2026-12-02 10:00` (UTC, as the server keeps it). */
export const shortTime = (iso: string | null | undefined): string => (iso === null || iso === undefined ? '' : iso.replace('T', ' ').slice(0, 16));
