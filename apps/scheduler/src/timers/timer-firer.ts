import type { Timer } from '@orkestra/domain';
import type { PostgresTimerStore } from '../postgres/postgres-timer-store.js';
import { Loop } from '../service/loop.js';

export interface TimerFirerOptions {
  readonly timers: PostgresTimerStore;
  readonly fire: (timer: Timer, firedAt: string) => Promise<void>;
  /** Longest wait between looks when nothing wakes the firer. Default 1 s. */
  readonly idleMs?: number;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Fires stored timers when they come due, one transaction each: several scheduler instances
 * share the work (a timer being fired is skipped by the others), and a timer whose firing fails
 * or whose instance dies stays stored and fires again.
 */
export class TimerFirer {
  private readonly loop: Loop;

  constructor(private readonly options: TimerFirerOptions) {
    this.loop = new Loop({ name: 'timer firer', idleMs: options.idleMs ?? 1_000, step: () => this.round(), ...(options.log !== undefined && { log: options.log }) });
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async round(): Promise<number | undefined> {
    const { timers, fire } = this.options;
    while (await timers.fireNext(({ timer }) => fire(timer, new Date().toISOString())));
    return timers.nextDueInMs();
  }
}
