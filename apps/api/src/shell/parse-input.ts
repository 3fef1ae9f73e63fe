import type { z } from 'zod';
import { ApiError } from './api-error.js';

/**
 * Parses a resolver's arguments with its zod schema. The first problem becomes a
 * VALIDATION_FAILED error naming the field (`input.feedback`), the others go in `details`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root = 'input'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    field: [root, ...issue.path.map(String)].join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]'),
    message: issue.message,
  }));
  const first = problems[0]!;
  throw new ApiError('VALIDATION_FAILED', `${first.field}: ${first.message}`, { field: first.field, details: { problems } });
}
