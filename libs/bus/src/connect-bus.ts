import { connect } from '@nats-io/transport-node';
import { JetStreamBus } from './jetstream-bus.js';
import type { JetStreamBusOptions } from './jetstream-bus.js';

export interface ConnectBusOptions extends Omit<JetStreamBusOptions, 'ownsConnection'> {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | string[];
  /** Connection name the server shows for this client, e.g. the service name. */
  readonly name?: string;
  /** Pause between attempts to reconnect after losing the server. Default 1 s (plus the client's jitter). */
  readonly reconnectTimeWaitMs?: number;
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
  const { servers, name, reconnectTimeWaitMs = 1_000, ...busOptions } = options;
  const connection = await connect({
    servers,
    ...(name === undefined ? {} : { name }),
    waitOnFirstConnect: false,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: reconnectTimeWaitMs,
  });
  return new JetStreamBus(connection, { ...busOptions, ownsConnection: true });
}
