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
}

/**
 * Creates the Nest app, closes it gracefully on SIGTERM/SIGINT, listens, and logs one
 * `listening` line. Start-up errors are thrown (not `process.abort()`ed) for `runMain` to report.
 */
export async function bootstrapApp(module: IEntryNestModule, options: BootstrapOptions): Promise<INestApplication> {
  const logger = options.logger ?? new JsonLogger(options.service);
  const app = await NestFactory.create(module, { logger, abortOnError: false });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  try {
    await app.listen(options.port, options.host);
  } catch (error) {
    await app.close();
    throw error;
  }
  if (logger !== false) logger.info('listening', { url: await app.getUrl() });
  return app;
}
