/** One bad setting: where it came from (an env var or a place in the config file) and what is wrong. */
export interface ConfigIssue {
  /** Dotted path of the setting in the schema, e.g. `port`; empty for the file as a whole. */
  readonly setting: string;
  /** What the user edits: `ORK_API_PORT`, or `/etc/orkestra/api.yaml:3:1 port`. */
  readonly source: string;
  /** Why, phrased to follow the source: `expected an integer between 0 and 65535, got "abc"`. */
  readonly message: string;
}

export const CONFIG_INVALID = 'CONFIG.INVALID' as const;

/** `ORK_API_PORT: expected an integer between 0 and 65535, got "abc"` */
export const formatConfigIssue = (issue: ConfigIssue): string => `${issue.source}: ${issue.message}`;

/**
 * The configuration cannot be used. Carries every problem found, so an operator fixes them in one
 * pass. The stable `code` survives where `instanceof` does not (another copy of the package).
 */
export class ConfigError extends Error {
  readonly code = CONFIG_INVALID;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: ErrorOptions) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super([`Invalid configuration (${count}):`, ...issues.map((issue) => `  ${formatConfigIssue(issue)}`)].join('\n'), options);
    this.name = 'ConfigError';
    this.issues = issues;
  }

  static is(error: unknown): error is ConfigError {
    if (typeof error !== 'object' || error === null) return false;
    const candidate = error as { name?: unknown; code?: unknown };
    return candidate.name === 'ConfigError' && candidate.code === CONFIG_INVALID;
  }

  toJSON(): { name: string; code: typeof CONFIG_INVALID; message: string; issues: readonly ConfigIssue[] } {
    return { name: this.name, code: this.code, message: this.message, issues: this.issues };
  }
}
