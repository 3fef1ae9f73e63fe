import { createHmac, randomBytes } from 'node:crypto';

/** The header value a receiver checks: `sha256=` and the hex HMAC-SHA256 of the raw body, keyed with the project's secret. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** A new signing secret: 256 random bits, with a prefix that says what it is to people and secret scanners. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
