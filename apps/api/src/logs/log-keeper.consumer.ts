import { LOGS_STREAM } from '@orkestra/contracts';

/** The durable consumer every api instance shares to keep ORK_LOGS' lines in `read.log_lines`. */
export const LOG_KEEPER = { stream: LOGS_STREAM.name, durable: 'api-log-lines', ackWaitMs: 30_000 } as const;
