import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { Channel } from '../../shell/channel.js';
import { CliError } from '../../shell/cli-error.js';
import { EXIT } from '../../shell/exit-codes.js';
import type { GraphQLClient } from '../../shell/graphql-client.js';
import { LOG_LINE_FIELDS, logLineSchema } from '../logs/log-format.js';
import type { LogLine } from '../logs/log-format.js';
import { TRAK_DETAIL, TRAK_QUERY, trakDetailSchema, trakQuerySchema } from '../trak/trak-fields.js';
import type { TrakDetail } from '../trak/trak-fields.js';

export type TrakChange =
  /** The Trak as an event left it (`event` null: read by a poll). Versions may repeat or arrive late: keep the highest. */
  | { readonly kind: 'trak'; readonly event: string | null; readonly trak: TrakDetail }
  | { readonly kind: 'log'; readonly line: LogLine };

export interface FollowOptions {
  /** Also follow the Trak's log lines, from this cursor on (`null`: only new ones). */
  readonly logsAfter?: string | null;
  /** Called as each change arrives, before it is queued (e.g. to abort a prompt the change makes moot). */
  readonly onArrival?: (change: TrakChange) => void;
  /** How often the Trak is read as well, while live updates flow; default 5 s (1 s while they do not). */
  readonly pollMs?: number;
}

export interface TrakFollower {
  readonly changes: Channel<TrakChange>;
  stop(): void;
}

const updateSchema = z.object({ trakUpdated: z.object({ cursor: z.string(), event: z.string(), trak: trakDetailSchema }) });
const logUpdateSchema = z.object({ logLines: logLineSchema });

/** Errors after which following again cannot help. */
const FINAL: ReadonlySet<number> = new Set([EXIT.unauthenticated, EXIT.forbidden, EXIT.notFound, EXIT.internal]);

/**
 * Follows one Trak: its live updates over the `trakUpdated` subscription (resumed from the last
 * cursor when the connection drops), a read of the Trak every few seconds as a safety net (so a
 * missed update, or a server without subscriptions, only delays the view), and optionally its
 * log lines. Everything arrives on one channel; it ends when `stop` is called or `signal` aborts,
 * and fails when the server stays unreachable or refuses.
 */
export function followTrak(client: GraphQLClient, trakId: string, signal: AbortSignal, options: FollowOptions = {}): TrakFollower {
  const changes = new Channel<TrakChange>();
  const controller = new AbortController();
  const stopped = AbortSignal.any([signal, controller.signal]);
  const push = (change: TrakChange) => {
    options.onArrival?.(change);
    changes.push(change);
  };
  const fail = (error: unknown) => {
    controller.abort();
    changes.close(error);
  };
  let live = false;

  const nap = (ms: number) => sleep(ms, undefined, { signal: stopped }).catch(() => undefined);

  void (async () => {
    let after: string | null = null;
    for (let failures = 0; !stopped.aborted; ) {
      try {
        for await (const { trakUpdated } of client.subscribe(
          `subscription($trak: ID!, $after: String) { trakUpdated(trak: $trak, after: $after) { cursor event trak { ${TRAK_DETAIL} } } }`,
          { trak: trakId, after },
          updateSchema,
          stopped,
        )) {
          live = true;
          failures = 0;
          after = trakUpdated.cursor;
          push({ kind: 'trak', event: trakUpdated.event, trak: trakUpdated.trak });
        }
      } catch (error) {
        live = false;
        if (error instanceof CliError && FINAL.has(error.exitCode)) return fail(error);
        if (error instanceof CliError && error.details?.['code'] === 'CURSOR_EXPIRED') after = null; // the polls fill the gap
        failures++;
      }
      // The polls carry on meanwhile; try the live updates again, less often the longer they fail.
      await nap(Math.min(30_000, 1_000 * 2 ** Math.min(failures, 5)));
    }
  })();

  void (async () => {
    for (let failures = 0; !stopped.aborted; ) {
      try {
        const { trak } = await client.request(TRAK_QUERY, { id: trakId }, trakQuerySchema);
        failures = 0;
        push({ kind: 'trak', event: null, trak });
      } catch (error) {
        // A blip is forgiven; a server gone for good (three reads in a row) ends the follow.
        if (!(error instanceof CliError) || FINAL.has(error.exitCode) || ++failures >= 3) return fail(error);
      }
      await nap(live ? (options.pollMs ?? 5_000) : Math.min(options.pollMs ?? 5_000, 1_000));
    }
  })();

  if (options.logsAfter !== undefined) {
    void (async () => {
      let after = options.logsAfter ?? null;
      while (!stopped.aborted) {
        try {
          for await (const { logLines } of client.subscribe(
            `subscription($trakId: ID!, $after: String) { logLines(trakId: $trakId, after: $after) { ${LOG_LINE_FIELDS} } }`,
            { trakId, after },
            logUpdateSchema,
            stopped,
          )) {
            after = logLines.cursor;
            push({ kind: 'log', line: logLines });
          }
        } catch (error) {
          if (error instanceof CliError && FINAL.has(error.exitCode)) return fail(error);
        }
        await nap(2_000);
      }
    })();
  }

  signal.addEventListener('abort', () => changes.close(), { once: true });
  return {
    changes,
    stop: () => {
      controller.abort();
      changes.close();
    },
  };
}
