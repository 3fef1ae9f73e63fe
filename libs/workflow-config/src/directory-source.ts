import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { WorkflowSource } from './load-workflow.js';
import { WorkflowConfigError } from './workflow-config.error.js';

const absent = (error: unknown): boolean => ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

/** The files of a project checked out at `projectRoot`. */
export function directorySource(projectRoot: string): WorkflowSource {
  const root = path.resolve(projectRoot);
  const where = (relative: string): string => path.join(root, ...relative.split('/'));
  return {
    label: root,
    where,
    async fileSize(relative) {
      try {
        const info = await stat(where(relative));
        return info.isFile() ? info.size : undefined;
      } catch (error) {
        if (absent(error)) return undefined;
        throw unreadable(relative, where(relative), error);
      }
    },
    async readFile(relative) {
      try {
        return await readFile(where(relative), 'utf8');
      } catch (error) {
        if (absent(error)) return undefined;
        throw unreadable(relative, where(relative), error);
      }
    },
    async listFiles(dir) {
      try {
        const entries = await readdir(where(dir), { withFileTypes: true });
        // A symlinked template is read through its link when the stage runs, so it counts.
        return entries.filter((entry) => entry.isFile() || entry.isSymbolicLink()).map((entry) => entry.name);
      } catch (error) {
        if (absent(error)) return [];
        throw error;
      }
    },
  };
}

function unreadable(relative: string, absolute: string, error: unknown): WorkflowConfigError {
  return WorkflowConfigError.forFile(relative, `cannot be read (${absolute}): ${(error as Error).message}`, { cause: error });
}
