import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '@orkestra/application';
import { DomainError } from '@orkestra/domain';
import { WorkflowConfigError } from '@orkestra/workflow-config';
import { GraphQLError } from 'graphql';
import { ApiError } from './api-error.js';
import type { ApiErrorCode } from './api-error.js';

const DOMAIN_CODES: Readonly<Record<string, ApiErrorCode>> = {
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  VALIDATION: 'VALIDATION_FAILED',
  ILLEGAL_TRANSITION: 'ILLEGAL_TRANSITION',
};

/**
 * Turns whatever a resolver threw into an error a client can act on. Rule violations keep their
 * message and get a stable code; anything unexpected becomes `INTERNAL` with an id to find it in
 * the server's log (`report`), and never leaks its message or stack.
 */
export function toApiError(error: unknown, report: (id: string, error: unknown) => void): GraphQLError {
  if (error instanceof ApiError) return error;
  if (DomainError.is(error)) {
    const kind = error.code.slice(error.code.indexOf('.') + 1);
    const field = typeof error.details['field'] === 'string' ? error.details['field'] : undefined;
    return new ApiError(DOMAIN_CODES[kind] ?? 'VALIDATION_FAILED', error.message, {
      details: { ...error.details, domainCode: error.code },
      ...(field !== undefined && { field }),
    });
  }
  if (WorkflowConfigError.is(error)) {
    return new ApiError('WORKFLOW_INVALID', error.message, { details: { issues: error.issues, omitted: error.omitted } });
  }
  if (ConcurrencyError.is(error)) {
    return new ApiError('CONFLICT', `Someone else changed ${error.streamId} at the same moment, several times in a row; try again`);
  }
  // Errors graphql-js and Apollo raise themselves (bad arguments, unknown fields) already carry a code.
  if (error instanceof GraphQLError && typeof error.extensions['code'] === 'string') return error;
  const id = randomUUID();
  report(id, error);
  return new ApiError('INTERNAL', `Internal error ${id}: the server logged it`, { details: { errorId: id } });
}
