const hasCode = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;

/** A git command exited non-zero (or could not start); carries the arguments and git's stderr. */
export class GitCommandError extends Error {
  readonly code = 'GIT.COMMAND' as const;

  constructor(
    readonly args: readonly string[],
    readonly cwd: string,
    readonly exitCode: number | undefined,
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    super(`git ${args.join(' ')} failed in ${cwd} (exit ${exitCode ?? 'none'}): ${stderr.trim() || 'no output'}`, options);
    this.name = 'GitCommandError';
  }

  static is(error: unknown): error is GitCommandError {
    return hasCode(error, 'GIT.COMMAND');
  }
}

/** The remote refused a push: someone else moved the branch (non-fast-forward, or a stale lease). */
export class PushRejectedError extends Error {
  readonly code = 'GIT.PUSH_REJECTED' as const;

  constructor(
    readonly ref: string,
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    super(`The remote rejected the push to ${ref}: ${stderr.trim()}`, options);
    this.name = 'PushRejectedError';
  }

  static is(error: unknown): error is PushRejectedError {
    return hasCode(error, 'GIT.PUSH_REJECTED');
  }
}

/** A project id, Trak id or branch name that cannot be used as a path segment or ref. */
export class InvalidGitNameError extends Error {
  readonly code = 'GIT.INVALID_NAME' as const;

  constructor(
    readonly kind: 'projectId' | 'trakId' | 'branch' | 'path' | 'commit',
    readonly value: string,
  ) {
    super(`Invalid ${kind}: ${JSON.stringify(value)}`);
    this.name = 'InvalidGitNameError';
  }

  static is(error: unknown): error is InvalidGitNameError {
    return hasCode(error, 'GIT.INVALID_NAME');
  }
}

/** The base branch a Trak starts from or merges into is not on the project's remote. */
export class BaseBranchNotFoundError extends Error {
  readonly code = 'GIT.BASE_BRANCH_NOT_FOUND' as const;

  constructor(
    readonly projectId: string,
    readonly baseBranch: string,
  ) {
    super(`Base branch ${baseBranch} of project ${projectId} is not on its remote`);
    this.name = 'BaseBranchNotFoundError';
  }

  static is(error: unknown): error is BaseBranchNotFoundError {
    return hasCode(error, 'GIT.BASE_BRANCH_NOT_FOUND');
  }
}

/** The project's setup script failed, timed out or is missing; `output` is the tail of its stdout and stderr. */
export class SetupScriptError extends Error {
  readonly code = 'GIT.SETUP_SCRIPT_FAILED' as const;

  constructor(
    readonly script: string,
    readonly exitCode: number | undefined,
    readonly timedOut: boolean,
    readonly output: string,
    options?: ErrorOptions,
  ) {
    const why = timedOut ? 'timed out' : exitCode === undefined ? 'could not run' : `exited with ${exitCode}`;
    super(`Setup script ${script} ${why}${output.trim() ? `:\n${output.trim()}` : ''}`, options);
    this.name = 'SetupScriptError';
  }

  static is(error: unknown): error is SetupScriptError {
    return hasCode(error, 'GIT.SETUP_SCRIPT_FAILED');
  }
}

/** The base branch kept moving on the remote: every integration attempt lost the race to push it. */
export class BaseBranchMovedError extends Error {
  readonly code = 'GIT.BASE_BRANCH_MOVED' as const;

  constructor(
    readonly baseBranch: string,
    readonly attempts: number,
    options?: ErrorOptions,
  ) {
    super(`Base branch ${baseBranch} moved on the remote during each of ${attempts} integration attempts`, options);
    this.name = 'BaseBranchMovedError';
  }

  static is(error: unknown): error is BaseBranchMovedError {
    return hasCode(error, 'GIT.BASE_BRANCH_MOVED');
  }
}

/** The pull-request tool (`gh`) failed or answered something unreadable. */
export class PullRequestError extends Error {
  readonly code = 'GIT.PULL_REQUEST' as const;

  constructor(
    message: string,
    readonly exitCode: number | undefined,
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PullRequestError';
  }

  static is(error: unknown): error is PullRequestError {
    return hasCode(error, 'GIT.PULL_REQUEST');
  }
}

/** The Trak branch has commits here and other commits on the remote: neither can simply continue the other. */
export class BranchDivergedError extends Error {
  readonly code = 'GIT.BRANCH_DIVERGED' as const;

  constructor(
    readonly branch: string,
    readonly local: string,
    readonly remote: string,
  ) {
    super(`Branch ${branch} has diverged: this runner is at ${local}, the remote at ${remote}`);
    this.name = 'BranchDivergedError';
  }

  static is(error: unknown): error is BranchDivergedError {
    return hasCode(error, 'GIT.BRANCH_DIVERGED');
  }
}

/** A branch asked for by name is not on the remote (as the mirror last fetched it). */
export class BranchNotFoundError extends Error {
  /** How many of the remote's branches an error lists. */
  static readonly LISTED = 20;
  readonly code = 'GIT.BRANCH_NOT_FOUND' as const;

  constructor(
    readonly branch: string,
    /** The remote's branches, sorted, at most {@link BranchNotFoundError.LISTED}. */
    readonly knownBranches: readonly string[],
    /** How many branches the remote has in all. */
    readonly branchCount: number,
  ) {
    const more = branchCount > knownBranches.length ? ` and ${branchCount - knownBranches.length} more` : '';
    const known = branchCount === 0 ? 'the remote has no branches yet' : `its branches are ${knownBranches.join(', ')}${more}`;
    super(`Branch ${JSON.stringify(branch)} does not exist on the remote; ${known}`);
    this.name = 'BranchNotFoundError';
  }

  static is(error: unknown): error is BranchNotFoundError {
    return hasCode(error, 'GIT.BRANCH_NOT_FOUND');
  }
}

/** A file in a commit is larger than the reader accepts; it was not read. */
export class GitFileTooLargeError extends Error {
  readonly code = 'GIT.FILE_TOO_LARGE' as const;

  constructor(
    readonly path: string,
    readonly size: number,
    readonly limit: number,
    readonly where: string,
  ) {
    super(`${path} at ${where} is ${size} bytes; files over ${limit} bytes are not read`);
    this.name = 'GitFileTooLargeError';
  }

  static is(error: unknown): error is GitFileTooLargeError {
    return hasCode(error, 'GIT.FILE_TOO_LARGE');
  }
}
