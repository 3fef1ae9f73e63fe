import { Global, Inject, Module, RequestMethod } from '@nestjs/common';
import type { DynamicModule, MiddlewareConsumer, NestModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { httpLogging } from './http-logging.js';

/** A service's logger (`serviceLogger`): pino's `logger.info(fields, msg)`, every line with the service and correlation id. */
export type AppLogger = Logger;

/** Injection token of the app's {@link AppLogger}: `@Inject(APP_LOGGER) logger: AppLogger`. */
export const APP_LOGGER = Symbol('APP_LOGGER');

const HTTP_MIDDLEWARE = Symbol('HTTP_LOGGING');

/**
 * Gives every provider of the app its logger, and puts every HTTP request under its correlation
 * id and logs it (see `httpLogging`). `bootstrapApp` adds it to each app.
 *
 * Module middleware, not `app.use`: Nest mounts it after the body parsers, whose callbacks would
 * otherwise run outside the request's correlation.
 */
@Global()
@Module({})
export class LoggingModule implements NestModule {
  static forRoot(logger: AppLogger, http: Logger): DynamicModule {
    return {
      module: LoggingModule,
      providers: [
        { provide: APP_LOGGER, useValue: logger },
        { provide: HTTP_MIDDLEWARE, useValue: httpLogging(http) },
      ],
      exports: [APP_LOGGER],
    };
  }

  constructor(@Inject(HTTP_MIDDLEWARE) private readonly middleware: ReturnType<typeof httpLogging>) {}

  configure(consumer: MiddlewareConsumer): void {
    // `{/*splat}`: every path, the root included, in path-to-regexp 8's syntax (express 5).
    consumer.apply(...this.middleware).forRoutes({ path: '{/*splat}', method: RequestMethod.ALL });
  }
}
