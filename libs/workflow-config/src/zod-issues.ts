import type { z } from 'zod';
import type { IssuePath } from './yaml-locator.js';

export interface SchemaIssue {
  readonly path: IssuePath;
  readonly message: string;
  /** The key is absent: the position should be that of the parent map. */
  readonly missing: boolean;
}

/** Keys the original product removed; their messages say what replaced them. */
const REMOVED_KEYS: Readonly<Record<string, string>> = {
  is_automated: 'was removed: stages pause for review unless the Trak runs in auto mode',
  approval: 'was removed: write gate: true for an approve/reject verdict',
};

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  record: 'a mapping',
};

const typeName = (expected: string): string => TYPE_NAMES[expected] ?? expected;

/** Turns zod issues into one message per problem, phrased to follow the key path. */
export function describeZodIssues(issues: readonly z.core.$ZodIssue[], data: unknown): SchemaIssue[] {
  return issues.flatMap((issue) => describe(issue, data));
}

function describe(issue: z.core.$ZodIssue, data: unknown): SchemaIssue[] {
  const path = issue.path;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: REMOVED_KEYS[key] ?? 'is not a known key',
        missing: false,
      }));
    case 'invalid_type': {
      if (valueAt(data, path) === undefined) return [{ path, message: 'is required', missing: true }];
      return [{ path, message: `must be ${typeName(issue.expected)}`, missing: false }];
    }
    case 'invalid_union': {
      // zod unwraps a union only when one branch's problems are all minor ones. When one branch
      // still matched the value's type (a mapping for `gate: {…}`), its problems are the real ones.
      const sameType = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (sameType.length === 1 && valueAt(data, path) !== undefined) {
        return sameType[0]!.flatMap((inner) => describe({ ...inner, path: [...path, ...inner.path] } as z.core.$ZodIssue, data));
      }
      const expected = issue.errors.flatMap((branch) => branch.filter((i) => i.code === 'invalid_type' && i.path.length === 0));
      const names = [...new Set(expected.map((i) => typeName((i as z.core.$ZodIssueInvalidType).expected)))];
      if (valueAt(data, path) === undefined) return [{ path, message: 'is required', missing: true }];
      return [{ path, message: names.length > 0 ? `must be ${names.join(' or ')}` : 'is invalid', missing: false }];
    }
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'array') return [{ path, message: `must have at least ${min} item${min === '1' ? '' : 's'}`, missing: false }];
      return [{ path, message: `must be ${issue.inclusive ? '>=' : '>'} ${min}`, missing: false }];
    }
    case 'too_big':
      return [{ path, message: `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`, missing: false }];
    default:
      return [{ path, message: issue.message, missing: false }];
  }
}

function valueAt(data: unknown, path: IssuePath): unknown {
  let current = data;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
