import type { Bus } from '@orkestra/application';
import { EVENTS_STREAM, LOGS_STREAM, RUNNERS_BUCKET } from '@orkestra/contracts';
import { busFailuresLoggedTo, connectBus } from '@orkestra/bus';
import { logWith } from '@orkestra/platform';
import type { AppLogger } from '@orkestra/platform';
import { LOG_KEEPER } from '../logs/log-keeper.consumer.js';

/**
 * The api's connection to NATS, when it has one (`ORK_API_NATS_URL`): subscriptions, the runner
 * registry and live logs read it. Without it those answer UNAVAILABLE and the rest works.
 */
export class ApiBus {
  private constructor(readonly bus: Bus | undefined) {}

  static async open(natsUrl: string | undefined, namespace: string, instance: string, logger: AppLogger): Promise<ApiBus> {
    if (natsUrl === undefined) return new ApiBus(undefined);
    const bus = await connectBus({ servers: natsUrl, name: `ork-api-${instance}`, namespace, ...busFailuresLoggedTo(logWith(logger, 'warn')) });
    // Idempotent: whichever service starts first creates them, the others find them as they are.
    await bus.provision({ streams: [EVENTS_STREAM, LOGS_STREAM], consumers: [LOG_KEEPER], buckets: [RUNNERS_BUCKET] });
    return new ApiBus(bus);
  }

  async close(): Promise<void> {
    await this.bus?.close();
  }
}
