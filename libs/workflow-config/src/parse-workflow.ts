import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { WorkflowDefinition } from '@orkestra/domain';
import { checkReferencedFiles } from './referenced-files.js';
import type { OrkestraFiles } from './referenced-files.js';
import { toWorkflowDefinition } from './to-domain.js';
import { crossCheckWorkflow } from './workflow-cross-checks.js';
import { WorkflowConfigError } from './workflow-config.error.js';
import type { WorkflowConfigIssue } from './workflow-config.error.js';
import { workflowSchema } from './workflow.schema.js';
import { YamlLocator, formatPath } from './yaml-locator.js';
import type { IssuePath } from './yaml-locator.js';
import { inspectYaml } from './yaml-structure.js';
import type { YamlStructure } from './yaml-structure.js';
import { describeZodIssues } from './zod-issues.js';

/** Larger files are refused unread: a workflow is a few kilobytes, and YAML parsing costs seconds per megabyte of garbage. */
export const MAX_WORKFLOW_BYTES = 1024 * 1024;

/**
 * YAML errors after the first few are nearly always echoes of them (one tab can confuse the
 * parser for the rest of the block), so only the first error of each line, and three lines, are listed.
 */
const MAX_YAML_ISSUES = 3;

export interface ParseWorkflowOptions {
  /**
   * What `.orkestra/agents/` and `.orkestra/schemas/` hold. When given, a stage whose prompt
   * template or schema file is not among them is a problem of the workflow; without it those
   * references are not checked.
   */
  readonly files?: OrkestraFiles;
}

/**
 * Parses and validates the text of a `workflow.yaml` (ORKESTRA-SPEC §2). Throws a
 * `WorkflowConfigError` carrying every problem, each with its line, column and key path;
 * `file` is only used to label them.
 */
export function parseWorkflow(text: string, file = 'workflow.yaml', options: ParseWorkflowOptions = {}): WorkflowDefinition {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_WORKFLOW_BYTES) throw WorkflowConfigError.forFile(file, tooLarge(bytes, MAX_WORKFLOW_BYTES));

  const lineCounter = new LineCounter();
  const { doc, structure, data } = readYaml(text, file, lineCounter);
  const locator = new YamlLocator(doc, lineCounter, structure.aliases);
  const result = workflowSchema.safeParse(data);
  const schemaIssues = result.success ? [] : describeZodIssues(result.error.issues, data);
  const crossIssues = crossCheckWorkflow(data).map((issue) => ({ ...issue, missing: false }));
  const fileIssues = options.files ? checkReferencedFiles(data, options.files).map((issue) => ({ ...issue, missing: false })) : [];

  const issues = [...schemaIssues, ...crossIssues, ...fileIssues].map((issue) => {
    const { line, column } = issue.missing ? locator.positionOfMissing(issue.path) : locator.positionOf(issue.path);
    return { file, line, column, path: formatPath(issue.path), message: issue.message, tail: tailOf(issue.path) };
  });
  if (issues.length > 0 || !result.success) throw new WorkflowConfigError(withoutAliasEchoes(sortByPosition(issues)));

  return toWorkflowDefinition(result.data);
}

/**
 * The document as plain data, or a `WorkflowConfigError` for anything YAML itself objects to.
 * Whatever the library throws on a hostile file is a problem of the file too, never an untyped error.
 */
function readYaml(text: string, file: string, lineCounter: LineCounter): { doc: Document; structure: YamlStructure; data: unknown } {
  try {
    // `merge: true` keeps `<<: *anchor` working, as it does in the original's YAML 1.1 parser.
    // `uniqueKeys: false`: inspectYaml finds duplicate keys in linear time instead.
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: false });
    const structure = inspectYaml(doc);
    const problems = [...doc.errors.map((error) => ({ offset: error.pos[0], message: `YAML syntax error: ${plain(error.message)}` })), ...structure.problems];
    if (problems.length > 0) throw yamlError(problems, file, lineCounter);
    // inspectYaml has bounded what aliases expand to; the library's own count would also refuse
    // a legitimate file that uses one anchor a hundred times.
    const data: unknown = doc.toJS({ maxAliasCount: -1 }) ?? {};
    return { doc, structure, data };
  } catch (error) {
    if (WorkflowConfigError.is(error)) throw error;
    throw WorkflowConfigError.forFile(file, `cannot be read as YAML: ${plain(error instanceof Error ? error.message : String(error))}`, { cause: error });
  }
}

// The parser reports a stack overflow on deep nesting as an error of the file; say what it means.
const plain = (message: string): string => (message.includes('Maximum call stack') ? 'nested too deeply' : message);

function yamlError(problems: readonly { offset: number; message: string }[], file: string, lineCounter: LineCounter): WorkflowConfigError {
  const located = problems
    .map(({ offset, message }) => {
      const { line, col } = lineCounter.linePos(offset);
      return { file, line, column: col, path: '', message };
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
  const firstOfEachLine = located.filter((issue, index) => index === 0 || located[index - 1]!.line !== issue.line);
  const shown = firstOfEachLine.slice(0, MAX_YAML_ISSUES);
  return new WorkflowConfigError(shown, { omitted: firstOfEachLine.length - shown.length });
}

type LocatedIssue = WorkflowConfigIssue & { readonly tail: string };

/** A key name, or `[]` for any list index: items reached through an alias differ only in their index. */
function tailOf(path: IssuePath): string {
  const last = path.at(-1);
  return typeof last === 'number' ? '[]' : String(last ?? '');
}

/**
 * A stage used through an alias in two flows has its problems reported twice, at the same spot
 * under two key paths. The user fixes it once, so it is listed once (under the first path).
 */
function withoutAliasEchoes(issues: readonly LocatedIssue[]): WorkflowConfigIssue[] {
  const seen = new Set<string>();
  const kept: WorkflowConfigIssue[] = [];
  for (const { tail, ...issue } of issues) {
    const key = JSON.stringify([issue.line, issue.column, tail, issue.message]);
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(issue);
  }
  return kept;
}

/** File order; the sort is stable, so issues at one position keep schema-then-cross-check order. */
function sortByPosition<T extends WorkflowConfigIssue>(issues: T[]): T[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}

export function tooLarge(bytes: number, limit: number): string {
  return `is ${formatBytes(bytes)}; the limit is ${formatBytes(limit)}`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}
