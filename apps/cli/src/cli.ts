import type { Readable, Writable } from 'node:stream';
import { Command, CommanderError, Option } from 'commander';
import { initCommand } from './commands/init/init.command.js';
import { completionCommand } from './completion/completion.command.js';
import { runnerCommand } from './runner/runner.command.js';
import { CliError } from './shell/cli-error.js';
import { EXIT } from './shell/exit-codes.js';
import type { ExitCode } from './shell/exit-codes.js';

/** What a command may touch of the world; `main.ts` gives the process's, specs give their own. */
export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly stdin: Readable & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** The options every command accepts, parsed once at the top. */
export interface GlobalOptions {
  /** One JSON document on stdout instead of tables and colour. */
  readonly json: boolean;
  /** Server URL over the stored login (`ORK_SERVER`). */
  readonly server?: string;
  /** API token over the stored login (`ORK_TOKEN`). */
  readonly token?: string;
}

export interface CliContext {
  readonly io: CliIo;
  /** The global options as given on this command line. */
  globals(): GlobalOptions;
  /** The exit code of a command that ended without failing, e.g. 130 for `ork runner` stopped by Ctrl-C. */
  setExitCode(code: ExitCode): void;
}

/** One use case of the command line: adds its command(s) to the program. */
export type CommandModule = (program: Command, context: CliContext) => void;

/** Every command of `ork`, each in its own folder under `commands/` (or `up/`, `runner/`). */
export const COMMANDS: readonly CommandModule[] = [
  initCommand,
  runnerCommand(),
  completionCommand,
];

/** Builds the program; exported so the completion scripts and specs see the same tree. */
export function buildProgram(context: CliContext, commands: readonly CommandModule[] = COMMANDS): Command {
  const program = new Command('ork')
    .description('Orkestra: run AI coding agents through reviewed, gated flows.')
    .addOption(new Option('--json', 'print one JSON document for scripts instead of tables').default(false))
    .addOption(new Option('--server <url>', 'server URL (default: from `ork login`)').env('ORK_SERVER'))
    .addOption(new Option('--token <token>', 'API token (default: from `ork login`)').env('ORK_TOKEN'))
    .showHelpAfterError('(run `ork --help` for the commands and their options)')
    .configureOutput({
      writeOut: (text) => context.io.stdout.write(text),
      writeErr: (text) => context.io.stderr.write(text),
    })
    .exitOverride();
  for (const register of commands) register(program, context);
  return program;
}

/** Runs one command line and answers the exit code; never calls `process.exit`. */
export async function runCli(argv: readonly string[], io: CliIo, commands: readonly CommandModule[] = COMMANDS): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const context: CliContext = {
    setExitCode: (code) => {
      exitCode = code;
    },
    io,
    globals: () => {
      const options = program.opts<{ json?: boolean; server?: string; token?: string }>();
      return {
        json: options.json === true,
        ...(options.server !== undefined && { server: options.server }),
        ...(options.token !== undefined && { token: options.token }),
      };
    },
  };
  const program = buildProgram(context, commands);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportFailure(error, context);
  }
}

function reportFailure(error: unknown, context: CliContext): ExitCode {
  if (error instanceof CommanderError) {
    // Help and version end here too; commander already printed them (and the usage error).
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const json = context.globals().json;
  if (error instanceof CliError) {
    if (json) {
      context.io.stdout.write(`${JSON.stringify({ error: { message: error.message, exitCode: error.exitCode, hint: error.hint, ...error.details } })}\n`);
    } else {
      context.io.stderr.write(`error: ${error.message}\n${error.hint === undefined ? '' : `${error.hint}\n`}`);
    }
    return error.exitCode;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  context.io.stderr.write(`error: ork failed unexpectedly: ${message}\nThis is a bug in ork; please report it with the command you ran.\n`);
  return EXIT.internal;
}
