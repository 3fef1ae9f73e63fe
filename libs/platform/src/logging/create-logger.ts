import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { isColorSupported, prettyFactory } from 'pino-pretty';
import type { LogFormat, LogLevel } from './log-settings.js';

export interface CreateLoggerOptions {
  /** Default `info`. */
  readonly level?: LogLevel;
  /** Default `json`. */
  readonly format?: LogFormat;
  /** Where the lines go; default stdout. A file: `pino.destination({ dest: path, mkdir: true })`. */
  readonly destination?: DestinationStream;
}

/** The `level` field as its name (`"info"`, not pino's `30`): what people grep for and the startup failure line uses. */
const levelLabel = (label: string): Record<string, unknown> => ({ level: label });

/**
 * The root logger of a process: where lines go and how they look, no service yet
 * (`serviceLogger` adds it, and the correlation id). `json` writes one object per line,
 * `{"level":"info","time":"…","service":"api","correlationId":"…","msg":"…",…fields}`; `pretty`
 * writes `[12:00:00.000] INFO: api 1b2c3d4e: msg` and the fields below, for a person at a terminal.
 * Writes are synchronous, so nothing logged is lost when the process exits right after.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const { level = 'info', format = 'json' } = options;
  const settings = { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: levelLabel } };
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  if (format === 'json') return pino(settings, destination);
  // Colours only on a terminal of the process's own, never into a file.
  const prettify = pretty(options.destination === undefined && isColorSupported && process.stdout.isTTY === true);
  return pino(settings, { write: (line: string) => destination.write(prettify(line)) });
}

/** Formats each JSON line as it is written, synchronously like the JSON lines (pino-pretty's transport would add a worker thread). */
function pretty(colorize: boolean): (line: string) => string {
  return prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'service,context,correlationId',
    // The id's first 8 characters tell one served command from another at a glance; the JSON lines hold it whole.
    messageFormat: (log, messageKey) => {
      const context = typeof log['context'] === 'string' ? `/${log['context']}` : '';
      const correlation = typeof log['correlationId'] === 'string' ? ` ${log['correlationId'].slice(0, 8)}` : '';
      return `${String(log['service'] ?? '')}${context}${correlation}: ${String(log[messageKey] ?? '')}`;
    },
  });
}
