export { PostgresEventStore } from './postgres-event-store.js';
export { migrate, MIGRATIONS_DIR } from './migrate.js';
