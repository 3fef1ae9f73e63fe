/**
 * Errors thrown by `decide` when a command breaks a rule. They carry a stable string code
 * because `instanceof` does not survive a process boundary; the edge maps codes to
 * GraphQL/RPC errors.
 */
export type DomainErrorCode = `${'TRAK' | 'PROJECT' | 'USER'}.${DomainErrorKind}`;

/** What kind of rule was broken; every aggregate's codes are `<AGGREGATE>.<kind>`. */
export type DomainErrorKind = 'ILLEGAL_TRANSITION' | 'VALIDATION' | 'NOT_FOUND' | 'ALREADY_EXISTS';

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: DomainErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }

  static is(error: unknown, code?: DomainErrorCode): error is DomainError {
    if (typeof error !== 'object' || error === null) return false;
    const candidate = error as { code?: unknown; name?: unknown };
    if (candidate.name !== 'DomainError' || typeof candidate.code !== 'string') return false;
    return code === undefined || candidate.code === code;
  }

  toJSON(): { code: DomainErrorCode; message: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export const illegalTransition = (message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError('TRAK.ILLEGAL_TRANSITION', message, details);

export const validationError = (message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError('TRAK.VALIDATION', message, details);
