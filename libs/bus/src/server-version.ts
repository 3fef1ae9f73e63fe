import type { NatsConnection } from '@nats-io/transport-node';

/** Whether the server this connection talks to is at least `major.minor`. */
export function serverAtLeast(connection: NatsConnection, major: number, minor: number): boolean {
  const [serverMajor = 0, serverMinor = 0] = (connection.info?.version ?? '0.0.0').split('.').map((part) => Number.parseInt(part, 10));
  return serverMajor > major || (serverMajor === major && serverMinor >= minor);
}

/** The server's version as it reports it, for error messages. */
export const serverVersion = (connection: NatsConnection): string => connection.info?.version ?? 'unknown';
