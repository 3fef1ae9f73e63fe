/**
 * A wake-up that is never lost: a wake while nobody waits is kept for the next wait. Log
 * readers use it for "an append committed" between their rounds.
 */
export class WakeSignal {
  private pending = false;
  private waiters = new Set<(woken: boolean) => void>();

  wake(): void {
    if (this.waiters.size === 0) {
      this.pending = true;
      return;
    }
    for (const waiter of [...this.waiters]) waiter(true);
  }

  /** Resolves true when woken (now or since the last wait), false after `timeoutMs`. */
  wait(timeoutMs: number): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const done = (woken: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(woken);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(done);
    });
  }
}

/**
 * How long a log reader waits before its next look. An announced commit that the read did not
 * find yet sits behind an older transaction still open somewhere; look again soon (1 ms,
 * doubling) instead of after the full poll interval.
 */
export class ReadPacer {
  private backoffMs = 0;

  constructor(private readonly pollMs: number) {}

  /** Call after each read with what it found and whether the wait before it was a wake-up. */
  next(found: number, woken: boolean): number {
    if (found > 0) this.backoffMs = 0;
    else if (woken || this.backoffMs > 0) this.backoffMs = Math.min(this.backoffMs === 0 ? 1 : this.backoffMs * 2, this.pollMs);
    return this.backoffMs > 0 ? this.backoffMs : this.pollMs;
  }
}
