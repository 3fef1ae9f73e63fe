/** What the runner does when it creates a Trak's worktree, beyond checking out the branch. */
export interface WorktreeSetup {
  /**
   * Ignored files or directories (paths relative to the repository root, e.g. `.env`) copied into
   * each new worktree from `copySourceDir`. Missing ones are skipped.
   */
  readonly copyIgnored?: readonly string[];
  /** Where `copyIgnored` files are read from, e.g. a checkout or secrets dir on the runner. */
  readonly copySourceDir?: string;
  /**
   * The setup script, relative to the worktree (or absolute). When unset the first existing one of
   * {@link DEFAULT_SETUP_SCRIPTS} runs, and none is fine; a configured script that is missing fails.
   */
  readonly script?: string;
  /** Kill the script after this long (default 10 minutes). */
  readonly timeoutMs?: number;
  /** Added to the runner's environment for the script. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A project as the runner's git layer needs it: where its remote is and how to set up a worktree. */
export interface ProjectRepo {
  readonly projectId: string;
  /** Any URL git can fetch from and push to: a forge URL, `ssh://…`, or an absolute path to a bare repository. */
  readonly remoteUrl: string;
  readonly setup?: WorktreeSetup;
}

/** Setup scripts looked for when none is configured; the second is the original Orkestra's name. */
export const DEFAULT_SETUP_SCRIPTS = ['.orkestra/scripts/setup.sh', '.orkestra/scripts/worktree_setup.sh'] as const;

/** Paths kept out of every Trak's commits through the worktree's exclude file (ORKESTRA-SPEC §9.11). */
export const EXCLUDED_PATHS = ['.orkestra/.artifacts/'] as const;
