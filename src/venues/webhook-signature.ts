import { createHmac } from 'node:crypto';

/**
 * Fillbook's webhook signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with the
 * account's webhook secret. Venues whose webhooks Fillbook relays (and the paper venue) sign this way.
 */
export function signWebhookBody(secret: string, rawBody: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex')}`;
}
