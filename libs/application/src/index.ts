export * from './event-store.port.js';
export { ConcurrencyError, DuplicateEventError } from './event-store.errors.js';
export { InMemoryEventStore } from './in-memory-event-store.js';
