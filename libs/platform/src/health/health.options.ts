/**
 * A readiness check: resolves when the dependency is usable, throws (or rejects) when it is not.
 * It gets an AbortSignal that fires when the check has run out of time; pass it on to I/O.
 */
export type ReadinessCheck = (signal: AbortSignal) => Promise<unknown> | unknown;

export interface HealthOptions {
  /** Reported by `/health`, e.g. `api`. */
  readonly service: string;
  readonly version?: string | undefined;
  /** Named checks run by `/ready`, e.g. `{ postgres: () => pool.query('select 1') }`. */
  readonly readinessChecks?: Readonly<Record<string, ReadinessCheck>> | undefined;
  /** Per check; a check still running after this counts as failed. Default 2000 ms. */
  readonly readinessTimeoutMs?: number | undefined;
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

export const DEFAULT_READINESS_TIMEOUT_MS = 2000;
