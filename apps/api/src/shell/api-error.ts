import { GraphQLError } from 'graphql';

/**
 * The stable codes a client sees in `errors[].extensions.code`. Each names what went wrong, not
 * where: a client can branch on them, and they never change meaning.
 */
export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'VALIDATION_FAILED'
  | 'ILLEGAL_TRANSITION'
  | 'WORKFLOW_INVALID'
  | 'CONFLICT'
  | 'CURSOR_EXPIRED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export interface ApiErrorExtensions {
  /** The input field at fault, as a path (`input.feedback`, `answers[1]`). */
  readonly field?: string;
  /** Machine-readable specifics, e.g. the Trak's status or each problem of a workflow file. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** An error a client can act on: a message for people and a stable code for programs. */
export class ApiError extends GraphQLError {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    extensions: ApiErrorExtensions = {},
  ) {
    super(message, {
      extensions: {
        code,
        ...(extensions.field !== undefined && { field: extensions.field }),
        ...(extensions.details !== undefined && { details: extensions.details }),
        // Apollo answers an HTTP request whose context could not be built with this status (and strips it from the body).
        ...(code === 'UNAUTHENTICATED' && { http: { status: 401 } }),
      },
    });
    this.name = 'ApiError';
  }

  static is(error: unknown): error is ApiError {
    return error instanceof ApiError;
  }
}
