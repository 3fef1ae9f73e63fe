import { ConfigError } from '../config/config.error.js';

/**
 * The body of every `main.ts`: runs `start` (load config, then create the app) and, if it throws,
 * prints why to stderr and exits 1. A bad config is printed as plain text naming each bad key;
 * any other start-up failure as one JSON line.
 */
export async function runMain(service: string, start: () => Promise<unknown>): Promise<void> {
  try {
    await start();
  } catch (error) {
    process.exitCode = 1;
    process.stderr.write(`${describeStartupFailure(service, error)}\n`, () => process.exit(1));
  }
}

export function describeStartupFailure(service: string, error: unknown): string {
  if (ConfigError.is(error)) return `${service}: refusing to start. ${error.message}`;
  const err =
    error instanceof Error
      ? { name: error.name, message: error.message, code: (error as NodeJS.ErrnoException).code, stack: error.stack }
      : { message: String(error) };
  return JSON.stringify({ level: 'fatal', time: new Date().toISOString(), service, msg: 'failed to start', err });
}
