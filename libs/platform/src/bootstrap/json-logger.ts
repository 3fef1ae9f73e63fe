import type { LoggerService } from '@nestjs/common';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
export type WriteLine = (line: string) => void;

const toStdout: WriteLine = (line) => {
  process.stdout.write(`${line}\n`);
};

/** Nest's start-up chatter (a line per module and route); the single `listening` line replaces it. */
const NEST_STARTUP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * One JSON object per line: `{"level":"info","time":…,"service":"api","msg":"listening","url":…}`.
 * A stand-in until the pino logger arrives; it also takes Nest's own logs.
 */
export class JsonLogger implements LoggerService {
  constructor(
    readonly service: string,
    private readonly write: WriteLine = toStdout,
  ) {}

  info(msg: string, fields: Readonly<Record<string, unknown>> = {}): void {
    this.emit('info', msg, fields);
  }

  log(message: unknown, ...params: unknown[]): void {
    const context = contextOf(params);
    if (context !== undefined && NEST_STARTUP_CONTEXTS.has(context)) return;
    this.fromNest('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.fromNest('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.fromNest('warn', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.fromNest('fatal', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.fromNest('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.fromNest('trace', message, params);
  }

  /** Nest calls `log(message, context)` and `error(message, stack, context)`. */
  private fromNest(level: LogLevel, message: unknown, params: readonly unknown[]): void {
    const context = contextOf(params);
    const stack = params.find((param): param is string => typeof param === 'string' && param.includes('\n'));
    const fields: Record<string, unknown> = {};
    if (context !== undefined) fields['context'] = context;
    if (message instanceof Error) fields['err'] = { name: message.name, message: message.message, stack: message.stack };
    else if (stack !== undefined) fields['stack'] = stack;
    // `logger.log({ msg, ...fields })`, the way the services log structured lines: the fields become the line's.
    if (isStructured(message)) {
      const { msg, ...rest } = message;
      return this.emit(level, msg, { ...rest, ...fields });
    }
    const msg = message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message);
    this.emit(level, msg, fields);
  }

  private emit(level: LogLevel, msg: string, fields: Readonly<Record<string, unknown>>): void {
    this.write(JSON.stringify({ level, time: new Date().toISOString(), service: this.service, msg, ...fields }));
  }
}

const isStructured = (message: unknown): message is { readonly msg: string } & Record<string, unknown> =>
  typeof message === 'object' && message !== null && !Array.isArray(message) && !(message instanceof Error) && typeof (message as { msg?: unknown }).msg === 'string';

function contextOf(params: readonly unknown[]): string | undefined {
  const last = params.at(-1);
  return typeof last === 'string' && !last.includes('\n') ? last : undefined;
}
