import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { FillbookError } from '../domain/index.js';
import type { Ledger } from '../ledger/index.js';
import { claimDueInboxItems, type InboxItem, insertInboxItem, settleInboxItem } from '../storage/index.js';
import type { VenueEvent } from '../venues/index.js';
import { parsePaperWebhook, signedText, signWebhookBody } from '../venues/index.js';
import type { VenueSync } from './venue-sync.js';

/** Deliveries signed more than this far from now are refused (replay protection). */
export const signatureToleranceMs = 300_000;
export const claimBatchMax = 100;
export const claimLeaseMs = 30_000;
/** A processing error is retried this many times, backing off up to `retryDelayMsMax`. */
export const processingAttemptsMax = 10;
export const retryDelayMsMax = 60_000;
/** An event for an order the ledger does not know waits this long for the order to appear. */
export const waitForOrderMsMax = 24 * 3_600_000;

export const signatureHeader = 'fillbook-signature';
export const deliveryIdHeader = 'fillbook-delivery-id';

/** Each venue's webhook payload parsed into venue events, at the edge. */
export const webhookParsers: Record<string, (payload: unknown) => VenueEvent[]> = {
  paper: parsePaperWebhook,
};

/** Signs a delivery as a venue must (see `signWebhookBody`). */
export const signWebhook = signWebhookBody;

export function verifyWebhookSignature(secret: string, rawBody: string, header: string | undefined, now: Date, deliveryId?: string): void {
  const fail = (message: string) => new FillbookError('FILLBOOK_ERR_UNAUTHORIZED', message, {});
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || typeof parts.v1 !== 'string' || !/^[0-9a-f]{64}$/.test(parts.v1)) {
    throw fail(`missing or malformed ${signatureHeader} header; expected t=<unix seconds>,v1=<hex hmac>`);
  }
  if (Math.abs(now.getTime() - t * 1000) > signatureToleranceMs) throw fail(`the signature timestamp is more than ${signatureToleranceMs / 1000} s from now`);
  const expected = createHmac('sha256', secret).update(signedText(t, rawBody, deliveryId)).digest();
  if (!timingSafeEqual(expected, Buffer.from(parts.v1, 'hex'))) throw fail('the webhook signature does not match');
}

export interface WebhookDelivery {
  accountId: string;
  venue: string;
  rawBody: string;
  payload: unknown;
  deliveryId: string | undefined;
}

/**
 * The webhook inbox: a delivery is committed before it is acknowledged, then processed in the
 * background with bounded retries. An event for an order the ledger does not know yet waits and is
 * matched when the order appears.
 */
export class WebhookInbox {
  private queued: Promise<number> | undefined;
  private tail: Promise<number> = Promise.resolve(0);

  constructor(
    private readonly ledger: Ledger,
    private readonly sync: VenueSync,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Stores a verified delivery; `duplicate` when this delivery id was stored before. */
  async receive(d: WebhookDelivery): Promise<{ id: string | null; duplicate: boolean }> {
    const parse = webhookParsers[d.venue];
    if (parse === undefined) throw new FillbookError('FILLBOOK_ERR_NOT_FOUND', `no webhook parser for venue ${d.venue}`, { venue: d.venue });
    // Parsing now refuses a payload that could never be processed, before it is acknowledged.
    parse(d.payload);
    const deliveryId = d.deliveryId ?? createHash('sha256').update(d.rawBody).digest('hex');
    const id = await insertInboxItem(this.ledger.db, {
      accountId: d.accountId,
      id: crypto.randomUUID(),
      venue: d.venue,
      deliveryId,
      payload: d.payload,
      receivedAt: this.now().toISOString(),
    });
    return { id: id ?? null, duplicate: id === undefined };
  }

  /**
   * Processes what is due. Passes run one at a time; a call made while one runs gets the next pass
   * (calls made before that pass starts share it), so nothing stored before the call is missed.
   */
  processDue(): Promise<number> {
    if (this.queued !== undefined) return this.queued;
    const next = this.tail.then(() => {
      this.queued = undefined;
      return this.pass();
    });
    this.queued = next;
    this.tail = next.catch(() => 0);
    return next;
  }

  private async pass(): Promise<number> {
    let settled = 0;
    for (;;) {
      const items = await claimDueInboxItems(this.ledger.db, this.now().toISOString(), claimLeaseMs, claimBatchMax);
      for (const item of items) {
        await this.process(item);
        settled++;
      }
      if (items.length < claimBatchMax) return settled;
    }
  }

  private async process(item: InboxItem): Promise<void> {
    const now = this.now();
    const backoff = (attempt: number) => new Date(now.getTime() + Math.min(retryDelayMsMax, 1000 * 2 ** attempt)).toISOString();
    try {
      let waiting = false;
      for (const event of webhookParsers[item.venue]!(item.payload)) {
        const outcome = await this.sync.apply(item.accountId, event, 'webhook');
        if (outcome.skipped === 'unknown_order') waiting = true;
      }
      if (!waiting) {
        await settleInboxItem(this.ledger.db, item, { status: 'processed', error: null, nextAttemptAt: now.toISOString(), at: now.toISOString() });
      } else if (now.getTime() - Date.parse(item.receivedAt) > waitForOrderMsMax) {
        await settleInboxItem(this.ledger.db, item, { status: 'failed', error: 'no matching order appeared in time', nextAttemptAt: now.toISOString(), at: now.toISOString() });
      } else {
        await settleInboxItem(this.ledger.db, item, { status: 'waiting', error: 'waiting for the order to appear', nextAttemptAt: backoff(Math.min(item.attempts, 6)), at: now.toISOString() });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const status = item.attempts + 1 >= processingAttemptsMax ? 'failed' : 'pending';
      await settleInboxItem(this.ledger.db, item, { status, error: message, nextAttemptAt: backoff(item.attempts), at: now.toISOString() });
    }
  }
}
