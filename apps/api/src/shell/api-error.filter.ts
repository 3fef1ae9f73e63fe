import { Catch, Logger } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import type { GraphQLError } from 'graphql';
import { toApiError } from './to-api-error.js';

/** Every error a resolver throws leaves as an {@link ApiError} with a stable code; unexpected ones are logged with an id. */
@Catch()
export class ApiErrorFilter implements GqlExceptionFilter {
  private readonly logger = new Logger('api');

  catch(exception: unknown): GraphQLError {
    return toApiError(exception, (errorId, error) =>
      this.logger.error({ msg: 'unexpected error in a GraphQL operation', errorId, err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) }),
    );
  }
}
