import { createServer } from 'node:net';
import { CliError } from '../shell/cli-error.js';
import { EXIT } from '../shell/exit-codes.js';

/** The apps `ork up` runs, in the order their ports follow the base port. */
export const UP_APPS = ['gateway', 'api', 'scheduler', 'runner'] as const;
export type UpApp = (typeof UP_APPS)[number];

/** The default base port: gateway 4100, api 4101, scheduler 4102, runner 4103, as when each runs alone. */
export const DEFAULT_BASE_PORT = 4100;

/** Each app's port from the base (`--port`): consecutive from it, or all free ones picked at start for 0. */
export function planPorts(base: number): Record<UpApp, number> {
  if (!Number.isInteger(base) || base < 0 || (base > 0 && base + UP_APPS.length - 1 > 65_535) || (base > 0 && base < 1024)) {
    throw new CliError(`--port ${base}: expected 0 (free ports) or a base port from 1024 to ${65_535 - UP_APPS.length + 1}`, EXIT.usage, 'e.g. `ork up --port 5100` uses 5100 to 5103.');
  }
  return Object.fromEntries(UP_APPS.map((app, index) => [app, base === 0 ? 0 : base + index])) as Record<UpApp, number>;
}

/** The error for a port another program holds: which app wanted it, and the flag that moves them all. */
export function portInUse(app: UpApp, port: number, host: string): CliError {
  return new CliError(
    `port ${port} on ${host} (the ${app}) is in use by another program`,
    EXIT.internal,
    `Stop that program, or start Orkestra on other ports: \`ork up --port <base>\` uses <base> to <base>+${UP_APPS.length - 1} (default ${DEFAULT_BASE_PORT}).`,
    { port, app },
  );
}

/** Fails on the first port that is taken, before anything starts. */
export async function checkPortsFree(ports: Readonly<Record<UpApp, number>>, host: string): Promise<void> {
  for (const app of UP_APPS) {
    const port = ports[app];
    if (port !== 0 && !(await canListen(port, host))) throw portInUse(app, port, host);
  }
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
