import { LineCounter, parseDocument } from 'yaml';
import type { WorkflowDefinition } from '@orkestra/domain';
import { toWorkflowDefinition } from './to-domain.js';
import { crossCheckWorkflow } from './workflow-cross-checks.js';
import { WorkflowConfigError } from './workflow-config.error.js';
import type { WorkflowConfigIssue } from './workflow-config.error.js';
import { workflowSchema } from './workflow.schema.js';
import { YamlLocator, formatPath } from './yaml-locator.js';
import { describeZodIssues } from './zod-issues.js';

/**
 * Parses and validates the text of a `workflow.yaml` (ORKESTRA-SPEC §2). Throws a
 * `WorkflowConfigError` carrying every problem, each with its line, column and key path;
 * `file` is only used to label them.
 */
export function parseWorkflow(text: string, file = 'workflow.yaml'): WorkflowDefinition {
  const lineCounter = new LineCounter();
  // `merge: true` keeps `<<: *anchor` working, as it does in the original's YAML 1.1 parser.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });

  if (doc.errors.length > 0) {
    throw new WorkflowConfigError(
      doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { file, line, column: col, path: '', message: `YAML syntax error: ${error.message}` };
      }),
    );
  }

  const data: unknown = doc.toJS() ?? {};
  const locator = new YamlLocator(doc, lineCounter);
  const result = workflowSchema.safeParse(data);
  const schemaIssues = result.success ? [] : describeZodIssues(result.error.issues, data);
  const crossIssues = crossCheckWorkflow(data).map((issue) => ({ ...issue, missing: false }));

  const issues: WorkflowConfigIssue[] = [...schemaIssues, ...crossIssues].map((issue) => {
    const { line, column } = issue.missing ? locator.positionOfMissing(issue.path) : locator.positionOf(issue.path);
    return { file, line, column, path: formatPath(issue.path), message: issue.message };
  });
  if (issues.length > 0 || !result.success) throw new WorkflowConfigError(sortByPosition(issues));

  return toWorkflowDefinition(result.data);
}

/** File order; the sort is stable, so issues at one position keep schema-then-cross-check order. */
function sortByPosition(issues: WorkflowConfigIssue[]): WorkflowConfigIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}
