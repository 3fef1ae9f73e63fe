import { randomBytes } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { findServer, redact, type ServiceKind } from './service-discovery.js';

/** A NATS connection for one spec file, with a stream/subject prefix no other spec file uses. */
export interface TestNats {
  url: string;
  /** Start every stream name and subject with this, e.g. `${prefix}TRAK` and `${prefix}trak.>`. */
  prefix: string;
  connection: NatsConnection;
  /**
   * Deletes every JetStream stream whose name starts with `prefix`, and the key-value bucket
   * streams `KV_<prefix>…`, then closes the connection.
   */
  cleanup(): Promise<void>;
}

const startCommand =
  'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- ' +
  '-a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log';

export const natsKind: ServiceKind = {
  label: 'NATS',
  envVar: 'NATS_URL',
  localUrl: 'nats://127.0.0.1:4222',
  defaultPort: 4222,
  startCommand,
  async startContainer({ GenericContainer, Wait }) {
    const container = await new GenericContainer('nats:2.10-alpine')
      .withCommand(['-js'])
      .withExposedPorts(4222)
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .start();
    return `nats://${container.getHost()}:${container.getMappedPort(4222)}`;
  },
};

/** Connects to the NATS server found by discovery and checks JetStream. Call in `beforeAll`, `cleanup()` in `afterAll`. */
export async function testNats(): Promise<TestNats> {
  const url = await findServer(natsKind);
  const connection = await connect({ servers: url, timeout: 5000 }).catch((error: unknown) => {
    throw new Error(`Could not connect to NATS at ${redact(url)}: ${String(error)}`, { cause: error });
  });
  const jsm = await jetstreamManager(connection).catch(async (error: unknown) => {
    await connection.close();
    throw new Error(
      `NATS at ${redact(url)} does not answer JetStream requests (${String(error)}). ` +
        `Run nats-server with -js, e.g.:\n  ${startCommand}`,
      { cause: error },
    );
  });
  const prefix = `T${randomBytes(4).toString('hex')}_`;

  let cleaned: Promise<void> | undefined;
  return { url, prefix, connection, cleanup: () => (cleaned ??= deleteStreams(jsm, prefix).finally(() => connection.close())) };
}

async function deleteStreams(jsm: JetStreamManager, prefix: string): Promise<void> {
  const mine: string[] = [];
  for await (const name of jsm.streams.names()) if (name.startsWith(prefix) || name.startsWith(`KV_${prefix}`)) mine.push(name);
  await Promise.all(mine.map((name) => jsm.streams.delete(name)));
}
