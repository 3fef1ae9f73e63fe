import { z } from 'zod';
import { usageSchema } from './trak-values.contract.js';

// ORK_LOGS: a run's live output, one message per line, replayable by late subscribers.

/** Where the line sits: its number within the delivery, which delivery of the job, and when. */
const place = { seq: z.number().int().positive(), attempt: z.number().int().positive(), at: z.string() };

export const logLineSchema = z.discriminatedUnion('kind', [
  z.object({ ...place, kind: z.literal('session'), sessionId: z.string() }),
  z.object({ ...place, kind: z.literal('text'), text: z.string() }),
  z.object({ ...place, kind: z.literal('tool_use'), id: z.string().optional(), tool: z.string(), input: z.unknown(), subagent: z.boolean() }),
  z.object({ ...place, kind: z.literal('tool_result'), id: z.string().optional(), output: z.string(), isError: z.boolean(), subagent: z.boolean() }),
  z.object({ ...place, kind: z.literal('usage'), usage: usageSchema }),
  z.object({ ...place, kind: z.literal('error'), message: z.string() }),
  /** A line a gate script printed. */
  z.object({ ...place, kind: z.literal('gate_output'), text: z.string() }),
]);

export type LogLine = z.infer<typeof logLineSchema>;
