/**
 * An in-process async mutex per key: tasks with the same key run one after another, in call order;
 * tasks with different keys run concurrently. Git cannot take concurrent worktree changes on one
 * repository (`config.lock`, `packed-refs.lock`), so the runner keys this by mirror path.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` once every earlier task with `key` has settled; returns (or throws) what it does. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Whether a task holds or waits for `key`. */
  isLocked(key: string): boolean {
    return this.tails.has(key);
  }
}
