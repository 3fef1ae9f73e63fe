import type { INestApplication } from '@nestjs/common';
import { createApp } from '@orkestra/runner';
import type { RunnerConfig } from '@orkestra/runner';
import { EXIT } from '../shell/exit-codes.js';
import type { ExitCode } from '../shell/exit-codes.js';
import { withoutCredentials } from './runner-settings.js';
import { explainStartupFailure } from './startup-failure.js';

type StopSignal = 'SIGINT' | 'SIGTERM';
const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

/** Where the stop signals come from: the process, or a spec's emitter. */
export interface SignalSource {
  on(signal: StopSignal, listener: () => void): unknown;
  off(signal: StopSignal, listener: () => void): unknown;
}

export interface RunRunnerOptions {
  readonly config: RunnerConfig;
  /** One JSON document on stdout once joined, instead of the human lines. */
  readonly json: boolean;
  readonly write: (text: string) => void;
  readonly signals?: SignalSource;
  /** The runner app, started without Nest's signal hooks; the runner's own `createApp` unless a spec gives another. */
  readonly start?: (config: RunnerConfig, options: { readonly shutdownHooks: false }) => Promise<INestApplication>;
}

/**
 * Runs the runner app until Ctrl-C (SIGINT) or SIGTERM, then drains it: no new jobs, running ones
 * get the drain grace to finish and are handed back after it, the registry entry goes. `ork` owns
 * the signals from start to end (one shutdown owner), so the exit code is its own: 130 after
 * Ctrl-C, as for every command, 0 after SIGTERM (a service manager's stop).
 */
export async function runRunner(options: RunRunnerOptions): Promise<ExitCode> {
  const { config, write } = options;
  const signals = options.signals ?? process;
  let stopSignal: StopSignal | undefined;
  let stopped = false;
  let wake: (() => void) | undefined;
  const listeners = STOP_SIGNALS.map((signal) => {
    const listener = (): void => {
      if (stopSignal === undefined) {
        stopSignal = signal;
        wake?.();
      } else if (!stopped && !options.json) {
        write(`Still stopping: running jobs are handed back at the latest ${config.drainGraceSeconds} s after the first Ctrl-C.\n`);
      }
    };
    signals.on(signal, listener);
    return { signal, listener };
  });

  try {
    let app: INestApplication;
    try {
      // Without Nest's own signal hooks (the services' way to stop): they would re-raise the signal
      // after closing and end the process before ork says it stopped; ork alone answers signals.
      app = await (options.start ?? createApp)(config, { shutdownHooks: false });
    } catch (error) {
      throw explainStartupFailure(error, { natsUrl: config.natsUrl ?? '', host: config.host, port: config.port });
    }

    if (stopSignal === undefined) {
      const joined = { name: config.name, labels: config.labels, slots: config.slots, nats: withoutCredentials(config.natsUrl ?? ''), dataDir: config.dataDir, health: `${await app.getUrl()}/health` };
      write(
        options.json
          ? `${JSON.stringify({ runner: joined })}\n`
          : `Runner ${joined.name} joined ${joined.nats}` +
              `${joined.labels.length > 0 ? ` with labels ${joined.labels.join(',')}` : ' (no labels)'}, ${joined.slots} slot${joined.slots === 1 ? '' : 's'}; ` +
              `data in ${joined.dataDir}, health at ${joined.health}.\nPress Ctrl-C to stop: running jobs get ${config.drainGraceSeconds} s to finish, then go back to the queue.\n`,
      );
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (stopSignal !== undefined) resolve();
      });
    }
    if (!options.json) write(`Stopping runner ${config.name}: taking no new jobs, waiting for running ones (at most ${config.drainGraceSeconds} s)…\n`);
    await app.close();
    stopped = true;
    if (!options.json) write(`Runner ${config.name} stopped.\n`);
    return stopSignal === 'SIGINT' ? EXIT.interrupted : EXIT.ok;
  } finally {
    for (const { signal, listener } of listeners) signals.off(signal, listener);
  }
}
