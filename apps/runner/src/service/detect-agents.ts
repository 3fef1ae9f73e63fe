import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { AgentKind } from '@orkestra/domain';

const COMMANDS: Record<AgentKind, string> = { claudecode: 'claude', opencode: 'opencode' };

/** A configured agent path that is not an executable file. */
export class AgentNotFoundError extends Error {
  readonly code = 'RUNNER.AGENT_NOT_FOUND' as const;
  constructor(
    readonly kind: AgentKind,
    readonly file: string,
  ) {
    super(`agents.${kind} is set to ${file}, which is not an executable file`);
    this.name = 'AgentNotFoundError';
  }
}

/**
 * The agent CLIs this runner can run: each configured path (which must be executable), else the
 * command found on PATH. A kind found nowhere is left out, and its jobs go to other runners.
 */
export async function detectAgents(configured: Partial<Record<AgentKind, string>>, searchPath: string | undefined): Promise<Partial<Record<AgentKind, string>>> {
  const found: Partial<Record<AgentKind, string>> = {};
  for (const kind of Object.keys(COMMANDS) as AgentKind[]) {
    const file = configured[kind];
    if (file !== undefined) {
      if (!(await isExecutable(file))) throw new AgentNotFoundError(kind, file);
      found[kind] = file;
      continue;
    }
    const onPath = await findOnPath(COMMANDS[kind], searchPath);
    if (onPath !== undefined) found[kind] = onPath;
  }
  return found;
}

async function findOnPath(command: string, searchPath: string | undefined): Promise<string | undefined> {
  for (const dir of (searchPath ?? '').split(path.delimiter).filter((d) => d !== '')) {
    const candidate = path.join(dir, command);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

const isExecutable = (file: string): Promise<boolean> =>
  access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
