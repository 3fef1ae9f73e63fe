import type { Level, Logger } from 'pino';
import { currentCorrelationId } from './correlation.js';

/**
 * A service's logger: every line names the service, and carries the correlation id of what the
 * service is serving when it is logged (see `withCorrelationId`). Built on `root` (one per
 * process, from `createLogger`), so the four apps of `ork up` can share a destination and still
 * say which of them wrote each line. A root that already names a service is not given a second.
 */
export function serviceLogger(root: Logger, service: string): Logger {
  const bindings = root.bindings()['service'] === undefined ? { service } : {};
  return root.child(bindings, { formatters: { log: withCorrelation } });
}

function withCorrelation(fields: object): object {
  const correlationId = currentCorrelationId();
  return correlationId === undefined || 'correlationId' in fields ? fields : { correlationId, ...fields };
}

/** The `log(message, fields)` the libraries take (relay, loops, runner and scheduler services), writing to `logger` at `level`. */
export const logWith =
  (logger: Logger, level: Level = 'info') =>
  (message: string, fields?: Readonly<Record<string, unknown>>): void =>
    logger[level](fields ?? {}, message);
