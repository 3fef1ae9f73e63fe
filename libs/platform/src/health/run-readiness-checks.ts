import type { ReadinessCheck } from './health.options.js';

export interface ReadinessReport {
  readonly status: 'ready' | 'not_ready';
  /** Check name → `ok` or `error: <why>`. */
  readonly checks: Readonly<Record<string, string>>;
}

/** Runs every check at once, each bounded by `timeoutMs`; ready only if all of them pass. */
export async function runReadinessChecks(
  checks: ReadonlyMap<string, ReadinessCheck>,
  timeoutMs: number,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    [...checks].map(async ([name, check]) => [name, await runOne(check, timeoutMs)] as const),
  );
  return {
    status: results.every(([, result]) => result === 'ok') ? 'ready' : 'not_ready',
    checks: Object.fromEntries(results),
  };
}

async function runOne(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`timed out after ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(() => check(controller.signal)), timeout]);
    return 'ok';
  } catch (error) {
    return `error: ${reason(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

/** Node's connection errors are often AggregateErrors with an empty message; fall back to the code. */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return error.message || code || error.name;
}
