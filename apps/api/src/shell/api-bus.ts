import type { Bus } from '@orkestra/application';
import { connectBus } from '@orkestra/bus';

/**
 * The api's connection to NATS, when it has one (`ORK_API_NATS_URL`): subscriptions, the runner
 * registry and live logs read it. Without it those answer UNAVAILABLE and the rest works.
 */
export class ApiBus {
  private constructor(readonly bus: Bus | undefined) {}

  static async open(natsUrl: string | undefined, namespace: string, instance: string): Promise<ApiBus> {
    if (natsUrl === undefined) return new ApiBus(undefined);
    return new ApiBus(await connectBus({ servers: natsUrl, name: `ork-api-${instance}`, namespace }));
  }

  async close(): Promise<void> {
    await this.bus?.close();
  }
}
