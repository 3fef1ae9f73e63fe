export { PostgresEventStore, type Queryable } from './postgres-event-store.js';
export { inTransaction } from './transaction.js';
export { migrate, MIGRATIONS_DIR } from './migrate.js';
export { LOG_START, readCheckpoint, storeCheckpoint } from './checkpoints.js';
export { LogNotifications } from './log-notifications.js';
export { WakeSignal } from './wake-signal.js';
export type { Projection } from './projections/projection.js';
export { ProjectionRunner, type ProjectionRunnerOptions, type ProjectionProgress } from './projections/projection-runner.js';
export { OutboxRelay, type OutboxRelayOptions } from './relay/outbox-relay.js';
