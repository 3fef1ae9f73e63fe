export { connectBus, type ConnectBusOptions } from './connect-bus.js';
export { JetStreamBus, type JetStreamBusOptions } from './jetstream-bus.js';
export { natsCredentials, ConflictingNatsCredentialsError, type NatsCredentials } from './nats-credentials.js';
export { busFailuresLoggedTo } from './bus-failures.js';
