import { connect } from '@nats-io/transport-node';
import { JetStreamBus } from './jetstream-bus.js';
import type { JetStreamBusOptions } from './jetstream-bus.js';
import { natsCredentials } from './nats-credentials.js';

export interface ConnectBusOptions extends Omit<JetStreamBusOptions, 'ownsConnection'> {
  /**
   * NATS server URL(s), e.g. `nats://127.0.0.1:4222`. A URL may carry the credentials the server
   * asks for, `nats://user:password@host:4222` (percent-encoded) or `nats://token@host:4222`; the
   * client is given them apart and never sees them in the URL.
   */
  readonly servers: string | string[];
  /** User and password for a server with `authorization` users; they win over credentials in a URL. */
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  /** Connection name the server shows for this client, e.g. the service name. */
  readonly name?: string;
  /** Pause between attempts to reconnect after losing the server. Default 1 s (plus the client's jitter). */
  readonly reconnectTimeWaitMs?: number;
  /**
   * First token of this client's reply subjects (default `_INBOX`). A client whose NATS user may
   * subscribe only to its own inboxes (a runner's, in the shipped server config) sets the prefix
   * it is allowed, so it can never read the replies meant for the other services.
   */
  readonly inboxPrefix?: string | undefined;
}

/**
 * Connects to NATS and returns a bus that owns the connection: `close()` drains it.
 *
 * The first connection must succeed (a service that cannot reach NATS at boot fails fast and
 * its supervisor restarts it). After that the connection never gives up: through an outage it
 * keeps trying to reconnect and consumptions resume once it is back. Publishes and key-value
 * writes made meanwhile fail or time out: a caller that must not lose one retries it.
 */
export async function connectBus(options: ConnectBusOptions): Promise<JetStreamBus> {
  const { servers, user, password, name, reconnectTimeWaitMs = 1_000, inboxPrefix, ...busOptions } = options;
  const credentials = natsCredentials(servers, { user, password });
  const connection = await connect({
    servers: credentials.servers,
    ...credentials.auth,
    ...(name === undefined ? {} : { name }),
    ...(inboxPrefix === undefined ? {} : { inboxPrefix }),
    waitOnFirstConnect: false,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: reconnectTimeWaitMs,
  });
  return new JetStreamBus(connection, { ...busOptions, ownsConnection: true });
}
