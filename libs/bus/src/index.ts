export { connectBus, type ConnectBusOptions } from './connect-bus.js';
export { JetStreamBus, type JetStreamBusOptions } from './jetstream-bus.js';
