import type { z } from 'zod';

type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;
type Same<A, B> = (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true : false;

/** True when the schema's output is exactly `Domain` (`readonly` aside): no field more or less on either side, at any depth. */
export type Mirrors<S extends z.ZodType, Domain> = Same<Mutable<z.output<S>>, Mutable<Domain>>;

/**
 * Ties a schema to the domain type it carries over the wire, at compile time: `mirror<Job>()(schema)`
 * does not build when a field is added to, removed from or changed in either one ("Expected 2
 * arguments" names the call). `satisfies z.ZodType<Domain>` alone would miss a field the domain
 * gained that the schema does not know, and parsing would silently drop it.
 */
export const mirror =
  <Domain>() =>
  <S extends z.ZodType<Domain>>(schema: S, ..._differs: Mirrors<S, Domain> extends true ? [] : [schemaAndDomainTypeDiffer: never]): S =>
    schema;
