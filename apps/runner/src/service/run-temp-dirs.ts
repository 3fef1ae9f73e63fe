import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { AgentKind } from '@orkestra/domain';

/**
 * A temp dir of its own for each agent run, `<data dir>/tmp/<cli>/<job id>-XXXXXX`, given to the
 * CLI as TMPDIR and removed with everything in it when the run ends: both CLIs leave files there
 * on every run (OpenCode a 5.5 MB native library), which would otherwise pile up. What a killed
 * runner left is removed by {@link clear} when the runner starts again.
 */
export class RunTempDirs {
  /** `root` is `<data dir>/tmp`. */
  constructor(readonly root: string) {}

  /** A new, empty dir for one run of `jobId`; a job run twice gets two. */
  async create(kind: AgentKind, jobId: string): Promise<string> {
    const parent = path.join(this.root, kind);
    await mkdir(parent, { recursive: true });
    return mkdtemp(path.join(parent, `${jobId.replace(/[^A-Za-z0-9_.-]/g, '_')}-`));
  }

  async remove(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }

  /** Removes every run's temp dir: at start, before any run, what is there was left by a previous life. */
  async clear(): Promise<void> {
    await rm(this.root, { recursive: true, force: true, maxRetries: 3 });
    await mkdir(this.root, { recursive: true });
  }
}
