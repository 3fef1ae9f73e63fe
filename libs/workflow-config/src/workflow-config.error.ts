/** One problem in a workflow file, located at the key or value it concerns. */
export interface WorkflowConfigIssue {
  /** The file as shown to the user, e.g. `.orkestra/workflow.yaml`. */
  readonly file: string;
  /** 1-based; 0 when the problem concerns the whole file (e.g. it is missing). */
  readonly line: number;
  readonly column: number;
  /** Key path in the yaml, e.g. `flows.default.stages[2].gate.timeout_seconds`; empty for the whole document. */
  readonly path: string;
  readonly message: string;
}

export const WORKFLOW_INVALID = 'WORKFLOW.INVALID' as const;

/**
 * Bounds on what one error carries, so a file of garbage cannot make a multi-megabyte error
 * (it travels to GraphQL clients and logs): 20 issues of at most ~380 characters each keep the
 * message under 8 KB.
 */
export const ERROR_LIMITS = { issues: 20, message: 200, path: 100, file: 60 } as const;

/** `workflow.yaml:14:7 flows.default.stages[2].gate.timeout_seconds must be > 0` */
export function formatIssue(issue: WorkflowConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return [where, issue.path, issue.message].filter((part) => part !== '').join(' ');
}

export interface WorkflowConfigErrorOptions extends ErrorOptions {
  /** Problems already left out before these issues were chosen (e.g. follow-on YAML syntax errors). */
  readonly omitted?: number;
}

/**
 * The workflow file cannot be used. Carries every problem found, not just the first, so a
 * user fixes the file in one pass, up to {@link ERROR_LIMITS}: exact repeats are dropped, the
 * first 20 are kept and `omitted` counts the rest. The stable `code` survives serialisation
 * where `instanceof` does not.
 */
export class WorkflowConfigError extends Error {
  readonly code = WORKFLOW_INVALID;
  readonly issues: readonly WorkflowConfigIssue[];
  /** How many further problems were found but not listed. */
  readonly omitted: number;

  constructor(issues: readonly WorkflowConfigIssue[], options: WorkflowConfigErrorOptions = {}) {
    const { omitted: before = 0, ...errorOptions } = options;
    const distinct = withoutRepeats(issues.map(shorten));
    const kept = distinct.slice(0, ERROR_LIMITS.issues);
    const omitted = before + distinct.length - kept.length;
    const total = kept.length + omitted;
    const count = total === 1 ? '1 problem' : `${total} problems`;
    const trailer = omitted > 0 ? [`…and ${omitted} more problem${omitted === 1 ? '' : 's'}`] : [];
    super([`Invalid workflow configuration (${count}):`, ...kept.map(formatIssue), ...trailer].join('\n'), errorOptions);
    this.name = 'WorkflowConfigError';
    this.issues = kept;
    this.omitted = omitted;
  }

  /** A problem with the file as a whole (missing, unreadable): no line or column. */
  static forFile(file: string, message: string, options?: ErrorOptions): WorkflowConfigError {
    return new WorkflowConfigError([{ file, line: 0, column: 0, path: '', message }], options);
  }

  static is(error: unknown): error is WorkflowConfigError {
    if (typeof error !== 'object' || error === null) return false;
    const candidate = error as { name?: unknown; code?: unknown };
    return candidate.name === 'WorkflowConfigError' && candidate.code === WORKFLOW_INVALID;
  }

  toJSON(): { name: string; code: typeof WORKFLOW_INVALID; message: string; issues: readonly WorkflowConfigIssue[]; omitted: number } {
    return { name: this.name, code: this.code, message: this.message, issues: this.issues, omitted: this.omitted };
  }
}

function shorten(issue: WorkflowConfigIssue): WorkflowConfigIssue {
  return {
    ...issue,
    file: cutEnd(issue.file, ERROR_LIMITS.file),
    // The end of a key path says what is wrong and the start where: keep both, cut the middle.
    path: cutMiddle(issue.path, ERROR_LIMITS.path),
    message: cutEnd(issue.message, ERROR_LIMITS.message),
  };
}

const cutEnd = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function cutMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor((max - 1) * 0.4);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

function withoutRepeats(issues: readonly WorkflowConfigIssue[]): WorkflowConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = JSON.stringify([issue.file, issue.line, issue.column, issue.path, issue.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
