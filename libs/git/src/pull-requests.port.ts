/** A pull request on the project's forge. */
export interface PullRequest {
  readonly url: string;
  readonly number?: number;
  readonly state: 'OPEN' | 'CLOSED' | 'MERGED';
}

/** Which PR: the Trak branch into its base, seen from a checkout whose `origin` is the project remote. */
export interface PullRequestTarget {
  /** A worktree of the project; forge CLIs read the repository from its remote. */
  readonly cwd: string;
  readonly head: string;
  readonly base: string;
}

/** Port to the forge's pull requests (GitHub through `gh` today). */
export interface PullRequests {
  /** The latest pull request for `head`, whatever its state, or undefined when there is none. */
  find(target: PullRequestTarget): Promise<PullRequest | undefined>;
  /** Opens a pull request from `head` into `base`. */
  create(target: PullRequestTarget & { readonly title: string; readonly body: string }): Promise<PullRequest>;
}
