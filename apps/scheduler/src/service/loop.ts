export interface LoopOptions {
  readonly name: string;
  /**
   * One round of work. Resolves to how many milliseconds to wait before the next round (0: at
   * once), or undefined to wait `idleMs`. A wake() cuts any wait short.
   */
  readonly step: () => Promise<number | undefined>;
  readonly idleMs: number;
  /** Wait after a round that threw. Default 1 s. */
  readonly errorDelayMs?: number;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * A background loop that works in rounds: woken early when there is news, never two rounds at
 * once, a failing round logged and retried after a pause. `stop()` waits for the round in flight.
 */
export class Loop {
  private running: Promise<void> | undefined;
  private stopping = false;
  private woken = false;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly options: LoopOptions) {}

  start(): void {
    this.stopping = false;
    this.running ??= this.run();
  }

  /** Asks for another round as soon as the current one ends. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.running;
    this.running = undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.woken = false;
      let delay: number | undefined;
      try {
        delay = await this.options.step();
      } catch (error) {
        this.options.log?.(`${this.options.name} round failed; trying again`, { error: error instanceof Error ? error.message : String(error) });
        delay = this.options.errorDelayMs ?? 1_000;
      }
      if (this.stopping) break;
      if (this.woken || delay === 0) continue;
      await this.sleep(Math.min(delay ?? this.options.idleMs, this.options.idleMs));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
