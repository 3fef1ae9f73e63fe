import { EventSchemas } from './upcasting.js';

/**
 * The schema history of every event type Orkestra ships. Every reader and appender of the log
 * (command handling, the scheduler, projections, the relay) goes through these, so an event
 * whose shape changes needs one `UpcastStep` here and nowhere else. None has changed yet: every
 * type is at version 1.
 */
export const ORKESTRA_EVENT_SCHEMAS = new EventSchemas([]);
