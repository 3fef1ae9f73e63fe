import { Module } from '@nestjs/common';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type { Env } from '../config/parse-config.js';
import { createLogger } from '../logging/create-logger.js';
import { logSettingsFromEnv } from '../logging/log-settings.js';
import { LoggingModule } from '../logging/logging.module.js';
import { NestLogger } from '../logging/nest-logger.js';
import { serviceLogger } from '../logging/service-logger.js';

export interface BootstrapOptions {
  readonly service: string;
  /** 0 picks a free port; read the result with `app.getUrl()`. */
  readonly port: number;
  readonly host: string;
  /**
   * Where the app logs. Default: stdout, as `ORK_LOG_FORMAT` and `ORK_LOG_LEVEL` say (JSON lines,
   * pretty on a terminal). A destination stream: there, the same way (JSON unless
   * `ORK_LOG_FORMAT=pretty`). A pino logger (e.g. one `createLogger` shared by the apps of one
   * process): through it, each line with this app's service name. `false`: nothing (tests).
   */
  readonly logger?: Logger | DestinationStream | false | undefined;
  /** Where `ORK_LOG_*` are read; default `process.env`. */
  readonly env?: Env | undefined;
  /**
   * Default true: SIGTERM/SIGINT close the app. False when one process hosts several apps and
   * owns shutdown itself (`ork up` closes them in order); the app then closes only when told.
   */
  readonly shutdownHooks?: boolean | undefined;
}

/** The root module of every app: its own module, with logging around it. */
@Module({})
class LoggedApp {}

/**
 * Creates the Nest app, closes it gracefully on SIGTERM/SIGINT (unless told not to), listens,
 * and logs one `listening` line. Start-up errors (a bad `ORK_LOG_*` included) are thrown, not
 * `process.abort()`ed, for `runMain` to report.
 */
export async function bootstrapApp(module: Type | DynamicModule, options: BootstrapOptions): Promise<INestApplication> {
  const base = baseLogger(options);
  const logger = serviceLogger(base, options.service);
  // The request lines name their correlation id themselves (see httpLogging).
  const http = base.bindings()['service'] === undefined ? base.child({ service: options.service }) : base;
  const root = { module: LoggedApp, imports: [LoggingModule.forRoot(logger, http), module] };
  const app = await NestFactory.create(root, { logger: new NestLogger(logger), abortOnError: false });
  if (options.shutdownHooks !== false) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  try {
    await app.listen(options.port, options.host);
  } catch (error) {
    await app.close();
    throw error;
  }
  logger.info({ url: await app.getUrl() }, 'listening');
  return app;
}

function baseLogger({ logger, env = process.env }: BootstrapOptions): Logger {
  if (logger === false) return pino({ level: 'silent' });
  if (logger !== undefined && isLogger(logger)) return logger;
  const destination = logger;
  const settings = logSettingsFromEnv(env, { isTTY: destination === undefined && process.stdout.isTTY === true });
  return createLogger({ ...settings, ...(destination !== undefined && { destination }) });
}

const isLogger = (value: Logger | DestinationStream): value is Logger => typeof (value as Logger).child === 'function';
