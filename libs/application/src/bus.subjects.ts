/**
 * NATS subject matching: tokens split on `.`, `*` matches exactly one token, `>` (last token
 * only) matches one or more.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const wanted = pattern.split('.');
  const actual = subject.split('.');
  for (let i = 0; i < wanted.length; i++) {
    const token = wanted[i];
    if (token === '>') return actual.length > i;
    if (i >= actual.length || (token !== '*' && token !== actual[i])) return false;
  }
  return wanted.length === actual.length;
}

/** True when some subject matches both patterns. */
export function subjectsOverlap(a: string, b: string): boolean {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const [l, r] = [left[i], right[i]];
    if (l === '>' || r === '>') return true;
    if (l !== r && l !== '*' && r !== '*') return false;
  }
  return left.length === right.length;
}

/** Whether a consumer with these filters (none: everything) takes messages on `subject`. */
export const filtersAccept = (filters: readonly string[] | undefined, subject: string): boolean =>
  filters === undefined || filters.length === 0 || filters.some((filter) => subjectMatches(filter, subject));

/** Whether two consumers' filters (none: everything) could both take one message. */
export function filtersOverlap(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const all = ['>'];
  const left = a?.length ? a : all;
  const right = b?.length ? b : all;
  return left.some((l) => right.some((r) => subjectsOverlap(l, r)));
}
