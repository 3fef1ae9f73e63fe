export { ServiceUnavailableError } from './service-discovery.js';
export { testDatabase, type TestDatabase } from './test-database.js';
export { testNats, type TestNats } from './test-nats.js';
export { describeServiceShell, type BootedService } from './service-shell.js';
export { describeEventStoreBehaviour } from './event-store-behaviour.js';
export * as trakCommands from './trak-commands.js';
export { describeBusBehaviour } from './bus-behaviour.js';
export { eventually, sleep } from './eventually.js';
