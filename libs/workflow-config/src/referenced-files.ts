import type { PathIssue } from './workflow-cross-checks.js';
import { insideFolder } from './workflow.schema.js';
import type { IssuePath } from './yaml-locator.js';

/** The files a workflow may refer to, by name, as listed in the project's `.orkestra/` folders. */
export interface OrkestraFiles {
  /** Names of the files in `.orkestra/agents/` (prompt templates). */
  readonly agents: readonly string[];
  /** Names of the files in `.orkestra/schemas/` (custom output schemas). */
  readonly schemas: readonly string[];
}

export const AGENTS_DIR = '.orkestra/agents';
export const SCHEMAS_DIR = '.orkestra/schemas';

type Obj = Record<string, unknown>;

const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
// What the schema accepts as a file name; anything else it reports itself.
const isPlainName = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '' && insideFolder(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/**
 * Every stage's prompt template and schema file must exist, or the stage fails at its first
 * run. Reads the raw data defensively, like the cross-checks, so these problems come with the
 * schema's own; values the schema rejects (not strings, not plain names) are left to it.
 */
export function checkReferencedFiles(data: unknown, files: OrkestraFiles): PathIssue[] {
  if (!isObj(data) || !isObj(data['flows'])) return [];
  const agents = new Set(files.agents);
  const schemas = new Set(files.schemas);
  const issues: PathIssue[] = [];
  for (const [flowName, flow] of Object.entries(data['flows'])) {
    if (!isObj(flow) || !Array.isArray(flow['stages'])) continue;
    (flow['stages'] as unknown[]).forEach((stage, index) => {
      if (!isObj(stage)) return;
      const name = str(stage['name']);
      if (name === undefined) return;
      const path: IssuePath = ['flows', flowName, 'stages', index];
      const written = stage['prompt'];
      if (written === undefined) {
        const prompt = `${name}.md`;
        if (!agents.has(prompt)) {
          issues.push({ path, message: `stage \`${name}\`: prompt template \`${AGENTS_DIR}/${prompt}\` does not exist (the default for a stage without \`prompt\`)` });
        }
      } else if (isPlainName(written) && !agents.has(written)) {
        issues.push({ path: [...path, 'prompt'], message: `stage \`${name}\`: prompt template \`${AGENTS_DIR}/${written}\` does not exist` });
      }
      const schema = stage['schema_file'];
      if (isPlainName(schema) && !schemas.has(schema)) {
        issues.push({ path: [...path, 'schema_file'], message: `stage \`${name}\`: schema file \`${SCHEMAS_DIR}/${schema}\` does not exist` });
      }
    });
  }
  return issues;
}
