import ora from 'ora';
import type { Ora } from 'ora';
import pc from 'picocolors';
import type { CliIo } from '../cli.js';

/**
 * What `ork up` tells the person starting it, on stderr (stdout has the ready report, or with
 * `--json` its one document): on a terminal a spinner per step, each step then kept as one line
 * with its time; elsewhere one plain line per finished step.
 */
export class Progress {
  private spinner: Ora | undefined;
  readonly colors;

  constructor(private readonly io: CliIo) {
    this.colors = pc.createColors(io.stderr.isTTY === true && io.env['NO_COLOR'] === undefined);
  }

  /** A spinner only on a terminal that says how wide it is (ora redraws by counting wrapped lines; a width of 0 would never end). */
  private get live(): boolean {
    const stderr = this.io.stderr as CliIo['stderr'] & { columns?: number };
    return stderr.isTTY === true && (stderr.columns ?? 0) > 0;
  }

  /** Runs one step: `label` while it runs, `done(result)` once it has. */
  async step<T>(label: string, work: () => Promise<T>, done: (result: T) => string = () => label): Promise<T> {
    const started = performance.now();
    if (this.live) this.spinner = ora({ text: `${label}…`, stream: this.io.stderr as NodeJS.WritableStream }).start();
    try {
      const result = await work();
      this.finish(done(result), performance.now() - started);
      return result;
    } catch (error) {
      this.spinner?.fail(`${label}: failed`);
      this.spinner = undefined;
      throw error;
    }
  }

  /** A line of its own, between steps ("reusing the Postgres server a previous ork up left running"). */
  note(message: string): void {
    if (this.spinner !== undefined) this.spinner.info(message).start();
    else this.io.stderr.write(`${this.colors.dim('ork up:')} ${message}\n`);
  }

  private finish(text: string, ms: number): void {
    const time = this.colors.dim(`(${seconds(ms)})`);
    if (this.spinner !== undefined) {
      this.spinner.succeed(`${text} ${time}`);
      this.spinner = undefined;
    } else {
      this.io.stderr.write(`${this.colors.dim('ork up:')} ${text} ${time}\n`);
    }
  }
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
