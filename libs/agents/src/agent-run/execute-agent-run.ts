import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentKind, AgentRunJob, JobResult } from '@orkestra/domain';
import { claudeCodeAdapter } from '../adapters/claude-code.adapter.js';
import { openCodeAdapter } from '../adapters/opencode.adapter.js';
import { runAgent } from '../adapters/run-agent.js';
import type { AgentAdapter, AgentLogEntry, AgentRunOutcome } from '../adapters/agent.types.js';
import type { ProcessRecorder } from '../process/index.js';
import { parseAgentOutput, toAgentOutput } from '../output/index.js';
import { assemblePrompt } from '../prompt/index.js';

/** Where a Trak's work lives on this runner; `@orkestra/git` implements it. */
export interface AgentRunWorkspace {
  /** The Trak's worktree: created from the base branch, or continued from the pushed Trak branch. */
  prepare(job: Pick<AgentRunJob, 'projectId' | 'trakId' | 'repo'>): Promise<string>;
  /** Commits whatever the agent changed and pushes the Trak branch, so any runner can continue. */
  save(worktree: string, message: string): Promise<void>;
}

export interface AgentRunDeps {
  readonly workspace: AgentRunWorkspace;
  /** The CLI executables this runner found. A kind missing here cannot run here. */
  readonly executables: Partial<Record<AgentKind, string>>;
  /** The whole environment an agent of this kind gets (PATH, HOME, TMPDIR, its API key). */
  readonly environment: (kind: AgentKind) => Readonly<Record<string, string>>;
  /** A session id for a new Claude Code session (Claude Code takes ours; OpenCode makes its own). */
  readonly newSessionId: () => string;
  readonly stallTimeoutMs?: number;
}

export interface AgentRunHooks {
  readonly signal?: AbortSignal;
  readonly onEntry?: (entry: AgentLogEntry) => void;
  /** Told of the CLI's process group (see {@link ProcessRecorder}). */
  readonly recorder?: ProcessRecorder;
}

const ADAPTERS: Record<AgentKind, AgentAdapter> = { claudecode: claudeCodeAdapter, opencode: openCodeAdapter };

/**
 * One agent-run job, start to finish: the worktree, the prompt and its artifact files, the agent,
 * its answer checked against the stage's contract, the work committed and pushed. Always ends in
 * a result for the scheduler; a run the runner was told to stop (`signal`) ends as `Lost`.
 */
export async function executeAgentRun(job: AgentRunJob, deps: AgentRunDeps, hooks: AgentRunHooks = {}): Promise<JobResult> {
  const kind = job.stage.agent.kind;
  const executable = deps.executables[kind];
  if (executable === undefined) return failed(job, 'SpawnFailed', `This runner has no ${kind} CLI installed`);

  let worktree: string;
  let template: string;
  try {
    worktree = await deps.workspace.prepare(job);
    template = await readPromptTemplate(worktree, job.stage.prompt);
  } catch (error) {
    return failed(job, 'SetupFailed', error instanceof Error ? error.message : String(error));
  }

  const projectInstructions = await readOptional(path.join(worktree, '.orkestra', 'ORKESTRA.md'));
  const run = (current: AgentRunJob): Promise<AgentRunOutcome> => runOnce(current, worktree, template, projectInstructions, executable, deps, hooks);

  let outcome = await run(job);
  if (outcome.kind === 'failed' && outcome.sessionNotFound === true && job.session.mode === 'resume') {
    // The session was started on another runner (or its files are gone): carry on in a new
    // session that gets the whole context again.
    hooks.onEntry?.({ kind: 'error', message: `Session ${job.session.sessionId} is not on this runner; starting a new session with the full context` });
    outcome = await run({ ...job, session: { mode: 'new' } });
  }
  return finish(job, worktree, outcome, deps);
}

async function runOnce(
  job: AgentRunJob,
  worktree: string,
  template: string,
  projectInstructions: string | undefined,
  executable: string,
  deps: AgentRunDeps,
  hooks: AgentRunHooks,
): Promise<AgentRunOutcome> {
  const kind = job.stage.agent.kind;
  const prompt = assemblePrompt({
    job,
    template,
    worktreePath: worktree,
    structuredOutputTool: kind === 'claudecode',
    ...(projectInstructions !== undefined && { projectInstructions }),
  });
  for (const file of prompt.artifactFiles) {
    const target = path.join(worktree, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content);
  }
  return runAgent({
    adapter: ADAPTERS[kind],
    request: {
      cwd: worktree,
      systemPrompt: prompt.systemPrompt,
      userPrompt: prompt.userPrompt,
      session: job.session.mode === 'resume' ? job.session : kind === 'claudecode' ? { mode: 'new', sessionId: deps.newSessionId() } : { mode: 'new' },
      disallowedTools: job.stage.disallowedTools.map((t) => t.pattern),
      executable,
      ...(job.stage.agent.model !== undefined && { model: job.stage.agent.model }),
      ...(kind === 'claudecode' && { outputSchema: prompt.schema }),
    },
    env: deps.environment(kind),
    timeoutMs: job.timeoutSeconds * 1000,
    ...(deps.stallTimeoutMs !== undefined && { stallTimeoutMs: deps.stallTimeoutMs }),
    ...(hooks.signal !== undefined && { signal: hooks.signal }),
    ...(hooks.onEntry !== undefined && { onEntry: hooks.onEntry }),
    ...(hooks.recorder !== undefined && { recorder: hooks.recorder }),
  });
}

async function finish(job: AgentRunJob, worktree: string, outcome: AgentRunOutcome, deps: AgentRunDeps): Promise<JobResult> {
  const common = { ...(outcome.sessionId !== undefined && { sessionId: outcome.sessionId }), ...(outcome.usage !== undefined && { usage: outcome.usage }) };
  if (outcome.kind === 'failed') {
    return { kind: 'agent-failed', jobId: job.jobId, reason: outcome.reason, message: outcome.message, ...(outcome.usage !== undefined && { usage: outcome.usage }), ...(outcome.resetAt !== undefined && { resetAt: outcome.resetAt }) };
  }
  const output = toAgentOutput(parseAgentOutput({ text: outcome.text, ...(outcome.structured !== undefined && { structured: outcome.structured }) }, job.output));
  try {
    await deps.workspace.save(worktree, `${job.stage.name}: iteration ${job.iteration} of "${job.trak.title}"`);
  } catch (error) {
    return failed(job, 'SetupFailed', `The agent finished, but its work could not be saved: ${error instanceof Error ? error.message : String(error)}`, outcome.usage);
  }
  return { kind: 'agent-finished', jobId: job.jobId, output, ...common };
}

async function readPromptTemplate(worktree: string, prompt: string): Promise<string> {
  const file = path.join(worktree, '.orkestra', 'agents', prompt);
  const text = await readOptional(file);
  if (text === undefined) throw new Error(`The stage's prompt template .orkestra/agents/${prompt} is missing from the branch`);
  return text;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}

function failed(job: AgentRunJob, reason: Extract<JobResult, { kind: 'agent-failed' }>['reason'], message: string, usage?: Extract<JobResult, { kind: 'agent-failed' }>['usage']): JobResult {
  return { kind: 'agent-failed', jobId: job.jobId, reason, message, ...(usage !== undefined && { usage }) };
}
