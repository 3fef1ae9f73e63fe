import { InvalidArgumentError, Option } from 'commander';
import type { CommandModule } from '../cli.js';
import { orkHome } from '../shell/login-store.js';
import { DEFAULT_BASE_PORT } from './ports.js';

/** `ork up`: the whole of Orkestra in this one process, on embedded Postgres and an in-process bus by default. */
export const upCommand: CommandModule = (program, context) => {
  program
    .command('up')
    .description(
      'Start Orkestra in this process: api, scheduler, a local runner and gateway, on an embedded Postgres and an in-process bus (or the ones you name). Ctrl-C stops it; the next start resumes every Trak.',
    )
    .addOption(new Option('--data-dir <dir>', 'where the database, the runner\'s worktrees and the logs live (default: ORK_HOME, else ~/.orkestra)'))
    .addOption(new Option('--database-url <url>', 'use this Postgres instead of the embedded one (its database is created if missing)').env('DATABASE_URL'))
    .addOption(new Option('--nats-url <url>', 'use NATS JetStream instead of the in-process bus').env('NATS_URL'))
    .addOption(new Option('--port <base>', `base port: gateway <base>, api +1, scheduler +2, runner +3; 0 picks free ones`).default(DEFAULT_BASE_PORT).argParser(wholeNumber))
    .addOption(new Option('--host <host>', 'the address the apps listen on').default('127.0.0.1'))
    .addOption(new Option('--verbose', "the apps' logs to stderr instead of a file under the data dir").default(false))
    .action(async (options: { dataDir?: string; databaseUrl?: string; natsUrl?: string; port: number; host: string; verbose: boolean }) => {
      const { io } = context;
      // Loaded here, not with the program: the four apps (Nest, Apollo, …) take seconds to load, which other commands must not pay.
      const { runUp } = await import('./run-up.js');
      await runUp(
        {
          dataDir: options.dataDir ?? orkHome(io.env),
          port: options.port,
          host: options.host,
          verbose: options.verbose,
          json: context.globals().json,
          ...(options.databaseUrl !== undefined && options.databaseUrl !== '' && { databaseUrl: options.databaseUrl }),
          ...(options.natsUrl !== undefined && options.natsUrl !== '' && { natsUrl: options.natsUrl }),
        },
        io,
      );
    });
};

function wholeNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number)) throw new InvalidArgumentError('expected a whole number, e.g. 5100 (or 0 for free ports).');
  return number;
}
