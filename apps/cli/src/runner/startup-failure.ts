import { CliError } from '../shell/cli-error.js';
import { EXIT } from '../shell/exit-codes.js';
import { withoutCredentials } from './runner-settings.js';

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

const codeOf = (error: Error): string | undefined => {
  const own = (error as NodeJS.ErrnoException).code;
  const cause = (error.cause as NodeJS.ErrnoException | undefined)?.code;
  return typeof own === 'string' ? own : typeof cause === 'string' ? cause : undefined;
};

/**
 * Why the runner could not join, as `ork` explains it: NATS unreachable, the login refused, the
 * NATS user not allowed a runner's part, the health port taken. Anything else is returned as is
 * (a bug, or a problem the message already names).
 */
export function explainStartupFailure(error: unknown, context: { readonly natsUrl: string; readonly host: string; readonly port: number }): unknown {
  if (!(error instanceof Error)) return error;
  const nats = withoutCredentials(context.natsUrl);
  const code = codeOf(error);
  if (error.name === 'ConnectionError' || (code !== undefined && UNREACHABLE_CODES.has(code) && !/listen/.test(error.message))) {
    return new CliError(
      `cannot reach NATS at ${nats} (${error.message})`,
      EXIT.unreachable,
      'Check the URL, that the team server runs, and that its NATS port (4222) is open to this machine.',
      { nats, reason: error.message },
    );
  }
  if (error.name === 'AuthorizationError' || error.name === 'UserAuthenticationExpiredError') {
    return new CliError(
      `NATS at ${nats} refused the login (${error.message})`,
      EXIT.unauthenticated,
      'Check --nats-user (the team deployment names it `runner`) and the password in ORK_RUNNER_NATS_PASSWORD (ORK_NATS_RUNNER_PASSWORD in the server’s .env).',
      { nats, reason: error.message },
    );
  }
  if (error.name === 'PermissionViolationError' || /Permissions Violation/i.test(error.message)) {
    return new CliError(
      `NATS at ${nats} does not let this user do a runner’s work (${error.message})`,
      EXIT.forbidden,
      'Log in as the runner user of the server’s NATS config (deploy/nats/nats-server.conf), and run a runner of the same Orkestra version as the server.',
      { nats, reason: error.message },
    );
  }
  if (code === 'EADDRINUSE') {
    return new CliError(
      `port ${context.port} on ${context.host} (the runner's /health and /ready) is already in use: another runner on this machine?`,
      EXIT.usage,
      'Pass --port 0 for any free port, or another port.',
    );
  }
  return error;
}
