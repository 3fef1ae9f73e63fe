import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { IEntryNestModule } from '@nestjs/core';
import { JsonLogger } from './json-logger.js';

export interface BootstrapOptions {
  readonly service: string;
  /** 0 picks a free port; read the result with `app.getUrl()`. */
  readonly port: number;
  readonly host: string;
  /** Default: JSON lines on stdout. `false` silences Nest and the `listening` line (tests). */
  readonly logger?: JsonLogger | false | undefined;
  /**
   * Default true: SIGTERM/SIGINT close the app. False when one process hosts several apps and
   * owns shutdown itself (`ork up` closes them in order); the app then closes only when told.
   */
  readonly shutdownHooks?: boolean | undefined;
}

/**
 * Creates the Nest app, closes it gracefully on SIGTERM/SIGINT (unless told not to), listens, and logs one
 * `listening` line. Start-up errors are thrown (not `process.abort()`ed) for `runMain` to report.
 */
export async function bootstrapApp(module: IEntryNestModule, options: BootstrapOptions): Promise<INestApplication> {
  const logger = options.logger ?? new JsonLogger(options.service);
  const app = await NestFactory.create(module, { logger, abortOnError: false });
  if (options.shutdownHooks !== false) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  try {
    await app.listen(options.port, options.host);
  } catch (error) {
    await app.close();
    throw error;
  }
  if (logger !== false) logger.info('listening', { url: await app.getUrl() });
  return app;
}
