import type { MAX_RUNNER_LABELS, canonicalLabels } from '@orkestra/domain';

// Contracts may import only the domain's types, so the two label rules routing depends on are
// restated here and tied to the domain's at compile time: the bound by its literal type, the
// canonical form by its signature (and by the runner-pools spec, which compares them).

/** Labels one runner may have: the domain's `MAX_RUNNER_LABELS` (the typecheck fails if it changes). */
const MAX_LABELS: typeof MAX_RUNNER_LABELS = 4;

/** The domain's `canonicalLabels`: lower case, no repeats, sorted. */
const canonical: typeof canonicalLabels = (labels) => [...new Set(labels.map((label) => label.toLowerCase()))].sort();

/**
 * The pool of a set of runner labels: the token that routes a job needing exactly these labels,
 * and names the queues that hold such jobs. Canonical (lower case, no repeats, sorted) and joined
 * by `+`, so `[GPU, linux, gpu]` and `[linux, gpu]` are one pool, `gpu+linux`. Empty for none.
 * A character no runner label may hold becomes `~`: no runner reads such a pool, which is right,
 * since no runner can have the label.
 */
export function labelPool(labels: readonly string[]): string {
  return canonical(labels)
    .map((label) => label.replace(/[^a-z0-9_-]/g, '~'))
    .join('+');
}

/**
 * Every subset of a runner's labels, the empty one first, each canonical: the pools whose jobs the
 * runner can take. Two to the power of the number of labels, which is why a runner may have at
 * most `MAX_RUNNER_LABELS`.
 */
export function labelSubsets(labels: readonly string[]): string[][] {
  const own = canonical(labels);
  if (own.length > MAX_LABELS) {
    throw new RangeError(`A runner reads one queue per subset of its labels, so it may have at most ${MAX_LABELS} labels; it has ${own.length} (${own.join(', ')})`);
  }
  const subsets: string[][] = [];
  for (let mask = 0; mask < 1 << own.length; mask++) subsets.push(own.filter((_, i) => (mask & (1 << i)) !== 0));
  return subsets.sort((a, b) => a.length - b.length || labelPool(a).localeCompare(labelPool(b)));
}
