/**
 * Finds the agent's JSON answer in its text (ORKESTRA-SPEC §4.5): exactly one ```ork block, else
 * one fenced JSON block (```json or a bare ```) holding an object with a string `type`, else the
 * whole text when it is nothing but such an object. Prose alone yields `none`.
 */
export type Extraction =
  | { readonly kind: 'found'; readonly value: unknown; readonly source: string }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'none' };

const ORK_OPEN = /^\s*```ork\s*$/;
const FENCE_OPEN = /^\s*```(json|jsonc)?\s*$/i;
const FENCE_CLOSE = /^\s*```\s*$/;

export function extractJson(text: string): Extraction {
  const lines = text.split(/\r?\n/);

  const orkOpenings = lines.flatMap((line, i) => (ORK_OPEN.test(line) ? [i] : []));
  if (orkOpenings.length > 1) {
    return { kind: 'invalid', reason: `found ${orkOpenings.length} \`\`\`ork blocks; emit exactly one` };
  }
  const [ork] = orkOpenings;
  if (ork !== undefined) {
    const body = fencedBody(lines, ork);
    if (body.kind === 'unclosed') return { kind: 'invalid', reason: 'the ```ork block is never closed' };
    if (body.kind === 'not-json') return { kind: 'invalid', reason: `the \`\`\`ork block is not valid JSON: ${body.error}` };
    return { kind: 'found', value: body.value, source: '```ork block' };
  }

  const candidates: unknown[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE_OPEN.test(lines[i] ?? '')) continue;
    const body = fencedBody(lines, i);
    if (body.kind !== 'json') continue;
    if (hasStringType(body.value)) candidates.push(body.value);
    i = body.closedAt;
  }
  if (candidates.length > 1) {
    return { kind: 'invalid', reason: `found ${candidates.length} fenced JSON blocks with a "type"; emit exactly one \`\`\`ork block` };
  }
  if (candidates.length === 1) return { kind: 'found', value: candidates[0], source: 'fenced JSON block' };

  const whole = parseJson(text.trim());
  if (whole.ok && hasStringType(whole.value)) return { kind: 'found', value: whole.value, source: 'bare JSON' };
  return { kind: 'none' };
}

type FencedBody =
  | { readonly kind: 'json'; readonly value: unknown; readonly closedAt: number }
  | { readonly kind: 'not-json'; readonly error: string }
  | { readonly kind: 'unclosed' };

/**
 * The JSON between the fence opened at `open` and a closing fence. Closing fences are tried from the
 * furthest to the nearest, so a fence inside the JSON's own text cannot cut it short.
 */
function fencedBody(lines: readonly string[], open: number): FencedBody {
  const closings: number[] = [];
  for (let i = open + 1; i < lines.length; i++) {
    if (FENCE_CLOSE.test(lines[i] ?? '')) closings.push(i);
    else if (ORK_OPEN.test(lines[i] ?? '') || FENCE_OPEN.test(lines[i] ?? '')) break;
  }
  if (closings.length === 0) return { kind: 'unclosed' };
  let firstError = '';
  for (const close of closings.reverse()) {
    const parsed = parseJson(lines.slice(open + 1, close).join('\n'));
    if (parsed.ok) return { kind: 'json', value: parsed.value, closedAt: close };
    firstError ||= parsed.error;
  }
  return { kind: 'not-json', error: firstError };
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
    return { ok: false, error: typeof message === 'string' ? message : String(error) };
  }
}

const hasStringType = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';
