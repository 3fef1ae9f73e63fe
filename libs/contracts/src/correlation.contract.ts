import { z } from 'zod';

// Jobs on ORK_JOBS and results on ORK_RESULTS carry the correlation id of the conversation that
// caused them (the person's command, through its events) in a header, beside the payload the
// domain defines. The scheduler sends it with each job, the runner serves the job under it and
// puts it on every result, and the scheduler's commands for the result carry it on.

/** The NATS header holding a message's correlation id. */
export const CORRELATION_HEADER = 'Ork-Correlation-Id';

/** A UUID, a job id, any short token without spaces. */
export const correlationIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/);

/**
 * The message's correlation id, or undefined when it has none or an unusable one (a message
 * from a version that did not send it): the id only helps follow the work, so it never refuses one.
 */
export function correlationIdOf(headers: Readonly<Record<string, string>>): string | undefined {
  const parsed = correlationIdSchema.safeParse(headers[CORRELATION_HEADER]);
  return parsed.success ? parsed.data : undefined;
}

/** The headers that carry `correlationId` (none when it is undefined). */
export const correlationHeaders = (correlationId: string | undefined): Record<string, string> =>
  correlationId === undefined ? {} : { [CORRELATION_HEADER]: correlationId };
