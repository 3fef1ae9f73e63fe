import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * The correlation id of what a service is serving right now: the GraphQL request the api
 * answers, the event, result or timer the scheduler processes, the job a runner runs. Every line
 * logged while serving it carries the id (see `serviceLogger`), and the commands, jobs and results
 * it causes pass it on, so one person's command can be followed through every service.
 *
 * Kept in an AsyncLocalStorage, so it follows the work across `await`s without being threaded
 * through every call; pieces of work served at once (in one app, or in the four apps of `ork up`) each see their own.
 */
const serving = new AsyncLocalStorage<string>();

/** What a correlation id from outside may look like: a UUID, a job id, any short token without spaces. */
export const correlationIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/);

/** Runs `work` as the serving of `correlationId`: what it logs and starts carries that id. */
export function withCorrelationId<T>(correlationId: string, work: () => T): T {
  return serving.run(correlationId, work);
}

/** The correlation id being served, if any. */
export function currentCorrelationId(): string | undefined {
  return serving.getStore();
}

/** A new correlation id, for work that starts a conversation (a request without one). */
export const newCorrelationId = (): string => randomUUID();

/** `value` when it is a usable correlation id (a header from outside), else undefined. */
export function parseCorrelationId(value: unknown): string | undefined {
  const parsed = correlationIdSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
