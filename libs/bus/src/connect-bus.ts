import { connect } from '@nats-io/transport-node';
import { JetStreamBus } from './jetstream-bus.js';
import type { JetStreamBusOptions } from './jetstream-bus.js';

export interface ConnectBusOptions extends Omit<JetStreamBusOptions, 'ownsConnection'> {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | string[];
  /** Connection name the server shows for this client, e.g. the service name. */
  readonly name?: string;
}

/** Connects to NATS and returns a bus that owns the connection: `close()` drains it. */
export async function connectBus(options: ConnectBusOptions): Promise<JetStreamBus> {
  const { servers, name, ...busOptions } = options;
  const connection = await connect({ servers, ...(name === undefined ? {} : { name }) });
  return new JetStreamBus(connection, { ...busOptions, ownsConnection: true });
}
