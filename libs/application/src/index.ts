export * from './event-store.port.js';
export { ConcurrencyError, DuplicateEventError } from './event-store.errors.js';
export { InMemoryEventStore } from './in-memory-event-store.js';
export type * from './bus.port.js';
export * from './bus.topology.js';
export * from './upcasting.js';
export * from './command-handler.js';
export * from './streams.js';
