import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

/** Nest's start-up chatter (a line per module and route); the single `listening` line replaces it. */
const NEST_STARTUP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication', 'GraphQLModule']);

/**
 * Nest's own logging (and `new Logger(context)` from `@nestjs/common`) into the app's pino
 * logger. Nest calls `log(message, context)` and `error(message, stack, context)`; a message that
 * is an object with a `msg` becomes that line's message and fields, an Error its `err`.
 *
 * Nest keeps one such logger per process, the last app's; the services log through the logger
 * `LoggingModule` injects (`APP_LOGGER`), which is the app's own even when several apps share a
 * process.
 */
export class NestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = contextOf(params);
    if (context !== undefined && NEST_STARTUP_CONTEXTS.has(context)) return;
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  private write(level: Level, message: unknown, params: readonly unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const context = contextOf(params);
    if (context !== undefined) fields['context'] = context;
    const stack = params.find((param): param is string => typeof param === 'string' && param.includes('\n'));
    if (stack !== undefined) fields['stack'] = stack;
    for (const param of params) if (isPlainObject(param)) Object.assign(fields, param);
    if (message instanceof Error) return this.logger[level]({ ...fields, err: message }, message.message);
    if (isPlainObject(message)) {
      const { msg, ...rest } = message;
      return this.logger[level]({ ...fields, ...rest }, typeof msg === 'string' ? msg : '');
    }
    this.logger[level](fields, typeof message === 'string' ? message : JSON.stringify(message));
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** Nest puts the context last, as a one-line string. */
function contextOf(params: readonly unknown[]): string | undefined {
  const last = params.at(-1);
  return typeof last === 'string' && !last.includes('\n') ? last : undefined;
}
