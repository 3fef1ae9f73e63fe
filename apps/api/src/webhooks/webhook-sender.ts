import type { AttemptOutcome, ClaimedDelivery } from './webhook-deliveries.js';
import { webhookSignature } from './webhook-signature.js';

/** Posts one delivery; resolves with its outcome, never rejects. */
export type WebhookSender = (delivery: ClaimedDelivery & { readonly secret: string }) => Promise<AttemptOutcome>;

/** What of a receiver's error answer is kept, for the deliveries list. */
const KEPT_ANSWER = 300;

/**
 * Posts with `fetch`: the JSON body as stored, its kind, delivery id and signature in headers. A
 * 2xx answer delivers it; any other answer (redirects are not followed), a network error or no
 * answer within `timeoutMs` is a failed attempt.
 */
export function httpWebhookSender(timeoutMs: number): WebhookSender {
  return async (delivery) => {
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Orkestra-Webhooks/1',
          'x-orkestra-event': delivery.kind,
          'x-orkestra-delivery': delivery.deliveryId,
          'x-orkestra-signature': webhookSignature(delivery.secret, delivery.body),
        },
        body: delivery.body,
      });
      if (response.status >= 200 && response.status < 300) {
        await response.body?.cancel().catch(() => undefined);
        return { httpStatus: response.status };
      }
      const answer = (await response.text().catch(() => '')).trim();
      return { httpStatus: response.status, error: `HTTP ${response.status}${answer === '' ? '' : `: ${answer.slice(0, KEPT_ANSWER)}`}` };
    } catch (error) {
      return { error: describe(error, timeoutMs) };
    }
  };
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs / 1000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  return detail === undefined ? message : `${message} (${detail})`;
}
