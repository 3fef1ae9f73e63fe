import type { CliIo } from '../cli.js';
import { CliError, QuietExit } from './cli-error.js';
import { EXIT } from './exit-codes.js';

export interface Choice<T> {
  readonly name: string;
  readonly value: T;
  readonly description?: string;
}

/** Questions `ork` asks a person at a terminal; only built when stdin and stdout are terminals and --json is off. */
export interface Prompter {
  text(message: string, options?: { readonly default?: string; readonly required?: boolean }): Promise<string>;
  secret(message: string): Promise<string>;
  choose<T>(message: string, choices: readonly Choice<T>[]): Promise<T>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
}

/**
 * Prompts through @inquirer/prompts on the command's own streams. Ctrl-C at a prompt ends the
 * command with the interrupted exit code; an aborted `signal` (the Trak moved on while a person
 * was being asked) rejects with an `AbortPromptError` the caller handles.
 */
export function prompter(io: Pick<CliIo, 'stdin' | 'stdout'>, signal?: AbortSignal): Prompter {
  const context = { input: io.stdin, output: io.stdout, ...(signal !== undefined && { signal }) };
  const ask = async <T>(question: Promise<T>): Promise<T> => {
    try {
      return await question;
    } catch (error) {
      if (error instanceof Error && error.name === 'ExitPromptError') throw new QuietExit(EXIT.interrupted);
      throw error;
    }
  };
  // Loaded on first use: only a person at a terminal is ever asked anything.
  const inquirer = () => import('@inquirer/prompts');
  return {
    text: async (message, options = {}) =>
      ask(
        (await inquirer()).input(
          {
            message,
            ...(options.default !== undefined && { default: options.default }),
            required: options.required ?? true,
          },
          context,
        ),
      ),
    secret: async (message) => ask((await inquirer()).password({ message, mask: '*', validate: (value) => value.trim() !== '' || 'It must not be empty.' }, context)),
    choose: async <T>(message: string, choices: readonly Choice<T>[]) =>
      ask((await inquirer()).select<T>({ message, choices: choices.map((c) => ({ name: c.name, value: c.value, ...(c.description !== undefined && { description: c.description }) })) }, context)),
    confirm: async (message, defaultValue) => ask((await inquirer()).confirm({ message, default: defaultValue }, context)),
  };
}

/** An aborted prompt (its signal fired): the question no longer stands. */
export const isAbortedPrompt = (error: unknown): boolean => error instanceof Error && error.name === 'AbortPromptError';

/** The failure for a value a script must give because there is no terminal to ask on. */
export function missing(what: string, flag: string): CliError {
  return new CliError(`${what} is missing`, EXIT.usage, `Give it with ${flag} (ork only asks for it on a terminal).`);
}
