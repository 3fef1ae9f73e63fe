import { z } from 'zod';

/**
 * ORK_EVENTS: a committed event as the outbox relay publishes it, upcast to today's shape, with
 * its time as ISO text.
 */
export const publishedEventSchema = z.object({
  id: z.string().min(1),
  streamId: z.string().min(1),
  /** 1-based position within its stream. */
  streamPosition: z.number().int().positive(),
  globalPosition: z.number().int().positive(),
  /** The appending transaction (Postgres xid8) as a decimal string. */
  transactionId: z.string(),
  type: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
  schemaVersion: z.number().int().positive(),
  createdAt: z.string(),
});

export type PublishedEvent = z.infer<typeof publishedEventSchema>;
