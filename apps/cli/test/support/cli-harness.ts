import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import type { AgentOutput, PendingCommand } from '@orkestra/domain';
import { bareRemote } from '@orkestra/testing';
import { ApiStores } from '../../../api/src/shell/api-stores.js';
import { ONE_STAGE_PROJECT } from '../../../api/test/support/api-harness.js';
import type { ApiHarness } from '../../../api/test/support/api-harness.js';
import { runCli } from '../../src/index.js';
import type { ExitCode } from '../../src/index.js';
import { captureIo } from './capture-io.js';

export interface Run {
  readonly code: ExitCode;
  readonly out: string;
  readonly err: string;
  /** stdout as the one JSON document `--json` promises (fails the test when it is not exactly one). */
  json(): Record<string, unknown>;
}

/** Runs `ork` with `args` in a home of its own (`ORK_HOME`), as a script would (no terminal). */
export async function ork(home: string, args: readonly string[], options: { readonly env?: Record<string, string>; readonly signal?: AbortSignal; readonly stdin?: string } = {}): Promise<Run> {
  const io = captureIo({ ORK_HOME: home, ...options.env }, { ...(options.signal !== undefined && { signal: options.signal }), ...(options.stdin !== undefined && { stdin: options.stdin }) });
  const code = await runCli(args, io);
  return {
    code,
    out: io.out(),
    err: io.err(),
    json: () => {
      const lines = io.out().trimEnd().split('\n');
      if (lines.length !== 1) throw new Error(`expected one JSON document on stdout, got ${lines.length} lines:\n${io.out()}`);
      return JSON.parse(lines[0]!) as Record<string, unknown>;
    },
  };
}

/** A bare repository holding the one-stage workflow (or `files`), in the api's temporary dir. */
export async function repository(api: ApiHarness, name: string, files: Readonly<Record<string, string>> = ONE_STAGE_PROJECT): Promise<string> {
  return bareRemote(await mkdtemp(path.join(api.dir, `${name}-`)), { ...files });
}

/** What the scheduler and a runner would append for the Trak's current stage: a run that ends with `output`. */
export async function agentAnswers(api: ApiHarness, trakId: string, output: AgentOutput, run: string): Promise<void> {
  const stores = api.app.get(ApiStores);
  const runId = `${trakId}_run_${run}`;
  const send = (command: PendingCommand) => stores.traks.handle(trakId, command, { actor: 'scheduler' });
  await send({ type: 'RequestAgentRun', data: { runId } });
  await send({ type: 'RecordAgentRunResult', data: { runId, output } });
}

/** A port nothing listens on (taken from the OS, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
