import { createHmac } from 'node:crypto';

/**
 * Fillbook's webhook signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with the
 * account's webhook secret. Venues whose webhooks Fillbook relays (and the paper venue) sign this way.
 */
export function signWebhookBody(secret: string, rawBody: string, at: Date = new Date(), deliveryId?: string): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(signedText(t, rawBody, deliveryId)).digest('hex')}`;
}

/**
 * What the HMAC covers: `<t>.<raw body>`, or `<t>.<delivery id>.<raw body>` when the delivery carries
 * a `fillbook-delivery-id`. The id decides deduplication in the inbox, so it is signed too: a captured
 * delivery re-sent under a new id (or without its id) no longer verifies.
 */
export function signedText(t: number, rawBody: string, deliveryId: string | undefined): string {
  return deliveryId === undefined ? `${t}.${rawBody}` : `${t}.${deliveryId}.${rawBody}`;
}
