import { InvalidArgumentError } from 'commander';
import type { CliContext, CliIo } from '../cli.js';
import { connect } from './connection.js';
import type { GraphQLClient } from './graphql-client.js';
import { Output } from './output.js';
import { prompter } from './prompts.js';
import type { Prompter } from './prompts.js';

/** What a command's action works with: its streams, its output, the server, and a person to ask when there is one. */
export interface CommandTools {
  readonly io: CliIo;
  readonly out: Output;
  /** The client for the configured server (fails with "run `ork login`" when there is none). */
  client(): Promise<GraphQLClient>;
  /** Prompts, when a person sits at a terminal and --json is off; otherwise undefined. */
  prompter(signal?: AbortSignal): Prompter | undefined;
}

export function commandTools(context: CliContext): CommandTools {
  const out = new Output(context.io, context.globals().json);
  let client: Promise<GraphQLClient> | undefined;
  return {
    io: context.io,
    out,
    client: () => (client ??= connect(context)),
    prompter: (signal) => (out.interactive ? prompter(context.io, signal) : undefined),
  };
}

/** A commander value parser for a whole number ≥ 1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return n;
}
