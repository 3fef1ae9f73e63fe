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

/** `workflow.yaml:14:7 flows.default.stages[2].gate.timeout_seconds must be > 0` */
export function formatIssue(issue: WorkflowConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return [where, issue.path, issue.message].filter((part) => part !== '').join(' ');
}

/**
 * The workflow file cannot be used. Carries every problem found, not just the first, so a
 * user fixes the file in one pass. The stable `code` survives serialisation where
 * `instanceof` does not.
 */
export class WorkflowConfigError extends Error {
  readonly code = WORKFLOW_INVALID;
  readonly issues: readonly WorkflowConfigIssue[];

  constructor(issues: readonly WorkflowConfigIssue[], options?: ErrorOptions) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super([`Invalid workflow configuration (${count}):`, ...issues.map(formatIssue)].join('\n'), options);
    this.name = 'WorkflowConfigError';
    this.issues = issues;
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

  toJSON(): { name: string; code: typeof WORKFLOW_INVALID; message: string; issues: readonly WorkflowConfigIssue[] } {
    return { name: this.name, code: this.code, message: this.message, issues: this.issues };
  }
}
