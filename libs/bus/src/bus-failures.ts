import type { JetStreamBusOptions } from './jetstream-bus.js';

/**
 * A service's answer to trouble inside a consumption or a following (a pull that failed during a
 * NATS outage, a settle the server never got): a line in its own log, with the stream and
 * consumer, instead of the console's default. Both retry on their own.
 */
export const busFailuresLoggedTo = (
  log: (message: string, fields: Readonly<Record<string, unknown>>) => void,
): Required<Pick<JetStreamBusOptions, 'onConsumeFailure' | 'onFollowFailure'>> => ({
  onConsumeFailure: (error, where) => log('a bus consumption failed; it retries', { ...where, error: String(error) }),
  onFollowFailure: (error, where) => log('a bus following failed; it retries', { ...where, error: String(error) }),
});
