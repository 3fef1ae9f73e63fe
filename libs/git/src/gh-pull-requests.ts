import { execa } from 'execa';
import { PullRequestError } from './git.errors.js';
import type { PullRequest, PullRequests, PullRequestTarget } from './pull-requests.port.js';

/** Options of {@link GhPullRequests}. */
export interface GhPullRequestsOptions {
  /** The `gh` executable (default `gh`, found on PATH). */
  readonly command?: string;
  /** Added to the runner's environment (e.g. `GH_TOKEN`, `GH_REPO`). */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

const NO_PR = /no (open )?pull requests? found/i;
const STATES = new Set(['OPEN', 'CLOSED', 'MERGED']);

/** {@link PullRequests} through the GitHub CLI: `gh pr view <branch>` and `gh pr create`. */
export class GhPullRequests implements PullRequests {
  constructor(private readonly options: GhPullRequestsOptions = {}) {}

  async find(target: PullRequestTarget): Promise<PullRequest | undefined> {
    const result = await this.gh(target.cwd, ['pr', 'view', target.head, '--json', 'url,number,state']);
    if (result.exitCode !== 0) {
      if (NO_PR.test(result.stderr)) return undefined;
      throw new PullRequestError(`gh pr view ${target.head} failed: ${result.stderr.trim()}`, result.exitCode, result.stderr);
    }
    let parsed: { url?: unknown; number?: unknown; state?: unknown };
    try {
      parsed = JSON.parse(result.stdout) as typeof parsed;
    } catch (error) {
      throw new PullRequestError(`gh pr view printed no JSON: ${result.stdout.slice(0, 200)}`, 0, result.stderr, { cause: error });
    }
    if (typeof parsed.url !== 'string' || typeof parsed.state !== 'string' || !STATES.has(parsed.state)) {
      throw new PullRequestError(`gh pr view answered an unexpected shape: ${result.stdout.slice(0, 200)}`, 0, result.stderr);
    }
    return {
      url: parsed.url,
      state: parsed.state as PullRequest['state'],
      ...(typeof parsed.number === 'number' ? { number: parsed.number } : {}),
    };
  }

  async create(target: PullRequestTarget & { readonly title: string; readonly body: string }): Promise<PullRequest> {
    const args = ['pr', 'create', '--head', target.head, '--base', target.base, '--title', target.title, '--body', target.body];
    const result = await this.gh(target.cwd, args);
    const url = result.stdout
      .split('\n')
      .map((line) => line.trim())
      .reverse()
      .find((line) => /^https?:\/\//.test(line));
    if (result.exitCode !== 0 || url === undefined) {
      throw new PullRequestError(`gh pr create failed: ${(result.stderr || result.stdout).trim()}`, result.exitCode, result.stderr);
    }
    const number = Number(url.match(/\/pull\/(\d+)/)?.[1]);
    return { url, state: 'OPEN', ...(Number.isInteger(number) ? { number } : {}) };
  }

  private async gh(cwd: string, args: readonly string[]): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
    const result = await execa(this.options.command ?? 'gh', [...args], {
      cwd,
      env: { GH_PROMPT_DISABLED: '1', NO_COLOR: '1', ...this.options.env },
      reject: false,
      stdin: 'ignore',
      timeout: this.options.timeoutMs ?? 60_000,
    });
    if (result.exitCode === undefined) {
      throw new PullRequestError(`gh could not run: ${result.message}`, undefined, result.stderr ?? '', { cause: result.cause });
    }
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  }
}
