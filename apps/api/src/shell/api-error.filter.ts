import { Catch, Inject } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import { APP_LOGGER } from '@orkestra/platform';
import type { AppLogger } from '@orkestra/platform';
import type { GraphQLError } from 'graphql';
import { toApiError } from './to-api-error.js';

/** Every error a resolver throws leaves as an {@link ApiError} with a stable code; unexpected ones are logged with an id. */
@Catch()
export class ApiErrorFilter implements GqlExceptionFilter {
  constructor(@Inject(APP_LOGGER) private readonly logger: AppLogger) {}

  catch(exception: unknown): GraphQLError {
    return toApiError(exception, (errorId, error) =>
      this.logger.error({ errorId, err: error }, 'unexpected error in a GraphQL operation'),
    );
  }
}
