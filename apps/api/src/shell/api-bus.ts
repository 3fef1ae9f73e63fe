import type { Bus } from '@orkestra/application';
import { EVENTS_STREAM, LOGS_STREAM, RUNNERS_BUCKET } from '@orkestra/contracts';
import { busFailuresLoggedTo, connectBus } from '@orkestra/bus';
import { logWith } from '@orkestra/platform';
import type { AppLogger } from '@orkestra/platform';
import { LOG_KEEPER } from '../logs/log-keeper.consumer.js';

/**
 * The api's connection to NATS, when it has one (`ORK_API_NATS_URL`), or the bus its host shares
 * with it (the embedded mode): subscriptions, the runner
 * registry and live logs read it. Without it those answer UNAVAILABLE and the rest works.
 */
export class ApiBus {
  private constructor(
    readonly bus: Bus | undefined,
    /** Whether the api connected it itself, and so closes it. */
    private readonly owned: boolean,
  ) {}

  /** The bus handed in by a hosting process (`ork up`), else a connection to `natsUrl`, if any. */
  static async open(natsUrl: string | undefined, namespace: string, instance: string, logger: AppLogger, shared?: Bus): Promise<ApiBus> {
    if (shared === undefined && natsUrl === undefined) return new ApiBus(undefined, false);
    const bus = shared ?? (await connectBus({ servers: natsUrl!, name: `ork-api-${instance}`, namespace, ...busFailuresLoggedTo(logWith(logger, 'warn')) }));
    // Idempotent: whichever service starts first creates them, the others find them as they are.
    await bus.provision({ streams: [EVENTS_STREAM, LOGS_STREAM], consumers: [LOG_KEEPER], buckets: [RUNNERS_BUCKET] });
    return new ApiBus(bus, shared === undefined);
  }

  /** Closes the connection the api made; a shared bus is its host's to close. */
  async close(): Promise<void> {
    if (this.owned) await this.bus?.close();
  }
}
