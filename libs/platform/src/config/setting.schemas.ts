import { z } from 'zod';

/**
 * Building blocks for app config schemas. Env vars arrive as strings and yaml values as numbers,
 * so numeric settings accept both. Messages say what was expected; the loader adds what it got.
 */

const NUMERIC = /^[+-]?\d+(\.\d+)?$/;

const numberFromText = (value: unknown): unknown =>
  typeof value === 'string' && NUMERIC.test(value.trim()) ? Number(value.trim()) : value;

export interface IntegerBounds {
  readonly min?: number;
  readonly max?: number;
}

function describeInteger({ min, max }: IntegerBounds): string {
  if (min !== undefined && max !== undefined) return `expected an integer between ${min} and ${max}`;
  if (min !== undefined) return `expected an integer >= ${min}`;
  if (max !== undefined) return `expected an integer <= ${max}`;
  return 'expected an integer';
}

/** An integer, from a number or a numeric string (`"8"`, not `"8.5"` or `"eight"`). */
export function integerSetting(bounds: IntegerBounds = {}) {
  const error = describeInteger(bounds);
  let schema = z.number({ error }).int({ error });
  if (bounds.min !== undefined) schema = schema.min(bounds.min, { error });
  if (bounds.max !== undefined) schema = schema.max(bounds.max, { error });
  return z.preprocess(numberFromText, schema);
}

/** A TCP port to listen on; 0 lets the OS pick a free one (tests). */
export const portSetting = () => integerSetting({ min: 0, max: 65535 });

/** A host name or IP address to bind to, e.g. `127.0.0.1` or `0.0.0.0`. */
export const hostSetting = () => {
  const error = 'expected a host name or IP address';
  return z.string({ error }).regex(/^\S+$/, { error });
};

/** A NATS server URL, e.g. `nats://127.0.0.1:4222`. */
export const natsUrlSetting = () => z.string().regex(/^(nats|tls|ws|wss):\/\/\S+$/, { error: 'expected a NATS URL such as nats://127.0.0.1:4222' });

/** Put before every stream, subject and bucket name, so several installations can share one NATS. */
export const natsNamespaceSetting = () => z.string().regex(/^[A-Za-z0-9_-]*$/, { error: 'expected letters, digits, "-" or "_"' });

/** A Postgres connection URL, e.g. `postgres://postgres@127.0.0.1:5432/orkestra`. */
export const databaseUrlSetting = () => z.string().regex(/^postgres(ql)?:\/\/\S+$/, { error: 'expected a Postgres URL such as postgres://user@127.0.0.1:5432/orkestra' });
