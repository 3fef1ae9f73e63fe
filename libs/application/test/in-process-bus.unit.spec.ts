import { describeBusBehaviour } from '@orkestra/testing';
import { InProcessBus } from '../src/index.js';

describeBusBehaviour('the in-process bus', async () => new InProcessBus());

describe('the in-process bus with a clock of its own', () => {
  it('ages out stream messages, message ids and bucket entries by that clock', async () => {
    let now = 1_000_000;
    const bus = new InProcessBus({ now: () => now });
    await bus.provision({
      streams: [{ name: 'LOGS', subjects: ['log.>'], retention: 'limits', maxAgeMs: 60_000, duplicateWindowMs: 120_000 }],
      consumers: [{ stream: 'LOGS', durable: 'late', ackWaitMs: 1000 }],
      buckets: [{ name: 'runners', ttlMs: 30_000 }],
    });
    const runners = await bus.bucket('runners');
    await runners.put('r-1', { load: 1 });
    await bus.publish('log.a', 'old', { msgId: 'a' });

    now += 30_000;
    expect(await runners.get('r-1')).toBeUndefined();
    now += 30_000;
    expect(await bus.publish('log.a', 'again', { msgId: 'a' })).toMatchObject({ duplicate: false, seq: 2 });

    const seen: string[] = [];
    await bus.consume('LOGS', 'late', async (message) => void seen.push(new TextDecoder().decode(message.data)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['again']);
    await bus.close();
  });
});
