import type { ExitCode } from './exit-codes.js';

/** A failure `ork` explains: what went wrong, what to do next, and the exit code it ends with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** The next step, e.g. "run `ork login`". */
    readonly hint?: string,
    /** Machine-readable specifics for `--json` (the server's error code, the field at fault). */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Ends a command with a non-zero exit code after it has printed everything it had to say. */
export class QuietExit extends Error {
  constructor(readonly exitCode: ExitCode) {
    super(`exit ${exitCode}`);
    this.name = 'QuietExit';
  }
}
