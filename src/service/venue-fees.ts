import { Decimal, FillbookError, isFillbookError, type VenueFeeReport } from '../domain/index.js';
import type { Ledger } from '../ledger/index.js';
import { deletePendingFee, selectFeeCursor, selectPendingFees, upsertFeeCursor, upsertPendingFee } from '../storage/index.js';
import type { VenueSync } from './venue-sync.js';
import type { Venues } from './venues.js';

/**
 * Fees a venue reports apart from its fills (Alpaca's fee activities, tastytrade's transactions),
 * polled into the ledger, each exactly once:
 * - read a page at a time from the account's cursor, kept in the database (`venue_fee_cursors`),
 *   written only after every fee of the page is recorded or kept, so a crash reads the page again
 *   (at least once) and the fee id makes the second reading a duplicate (exactly once);
 * - a fee for an order the ledger does not know yet (its order is adopted by reconciliation later,
 *   or the bot reports it late) waits in `venue_fees_pending` and is tried on every poll until its
 *   order is there: never lost, never put elsewhere;
 * - a fee whose id is already recorded with another amount (a venue's correction under the same id)
 *   is kept as an unparsed venue item, reported, never applied over the first.
 * Several instances may poll: an advisory lock per account lets one read a given account at a time.
 */

/** Pages read at most per poll of an account (the next poll goes on from the cursor). */
export const feePagesPerPollMax = 50;
/** Waiting fees tried at most per poll of an account, those tried longest ago first. */
export const pendingFeesPerPollMax = 500;
/** How often every account's fees are polled. */
export const feePollIntervalMsDefault = 60_000;
/** A first poll reads from a day before the account was created, as reconciliation's first run does. */
export const feeLookbackMs = 24 * 3_600_000;

export interface FeePollOutcome {
  pages: number;
  recorded: number;
  duplicates: number;
  /** Kept to try again: their order is not in the ledger yet. */
  waiting: number;
  /** Kept as unparsed items: the same fee id with other data. */
  conflicts: number;
}

export class VenueFeePoller {
  constructor(
    private readonly ledger: Ledger,
    private readonly venues: Venues,
    private readonly sync: VenueSync,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Polls one account: its waiting fees first, then the venue's new records. Undefined when the
   * account's venue reports no fees apart from its fills, or another instance holds the account.
   */
  async poll(accountId: string): Promise<FeePollOutcome | undefined> {
    const adapter = await this.venues.forAccount(accountId);
    if (!adapter.capabilities.feesSince || adapter.listFees === undefined) return undefined;
    const listFees = adapter.listFees.bind(adapter);
    return this.ledger.db.withAdvisoryLock(`fillbook:fees:${accountId}`, async () => {
      const outcome: FeePollOutcome = { pages: 0, recorded: 0, duplicates: 0, waiting: 0, conflicts: 0 };
      for (const pending of await selectPendingFees(this.ledger.db, accountId, pendingFeesPerPollMax)) {
        await this.land(accountId, adapter.venue, reportFromJson(pending.report), outcome);
      }
      const account = await this.ledger.getAccount(accountId);
      const since = new Date(Date.parse(account.createdAt) - feeLookbackMs).toISOString();
      let cursor = (await selectFeeCursor(this.ledger.db, accountId))?.cursor ?? null;
      for (let page = 0; page < feePagesPerPollMax; page++) {
        const read = await listFees(since, cursor);
        // The items the adapter could not read are emitted as events; they are kept before the cursor moves past them.
        await this.sync.settled(accountId);
        for (const fee of read.fees) await this.land(accountId, adapter.venue, fee, outcome);
        outcome.pages++;
        if (read.cursor !== null && read.cursor !== cursor) {
          await upsertFeeCursor(this.ledger.db, accountId, adapter.venue, read.cursor, this.now().toISOString());
          cursor = read.cursor;
        }
        if (!read.more) break;
      }
      return outcome;
    });
  }

  /** One fee onto the ledger: recorded, a duplicate, kept until its order is known, or kept raw as a conflict. */
  private async land(accountId: string, venue: string, fee: VenueFeeReport, outcome: FeePollOutcome): Promise<void> {
    const at = this.now().toISOString();
    try {
      const result = await this.ledger.applyVenueFee(accountId, fee, 'broker_poll');
      outcome[result.outcome === 'recorded' ? 'recorded' : 'duplicates']++;
      if (fee.venueOrderId !== null) await deletePendingFee(this.ledger.db, accountId, fee.feeId);
    } catch (error) {
      if (isFillbookError(error, 'FILLBOOK_ERR_ORDER_NOT_FOUND') && fee.venueOrderId !== null) {
        await upsertPendingFee(this.ledger.db, accountId, { feeId: fee.feeId, venueOrderId: fee.venueOrderId, report: reportToJson(fee), reason: error.message }, at);
        outcome.waiting++;
        return;
      }
      if (isFillbookError(error, 'FILLBOOK_ERR_DUPLICATE_FEE_CONFLICT')) {
        await this.sync.keepUnparsed(accountId, venue, { kind: 'activity', venueItemId: fee.feeId, payload: fee.raw, reason: error.message });
        if (fee.venueOrderId !== null) await deletePendingFee(this.ledger.db, accountId, fee.feeId);
        outcome.conflicts++;
        return;
      }
      throw error;
    }
  }
}

/** A fee report as it is kept while it waits (decimals as strings). */
function reportToJson(fee: VenueFeeReport): unknown {
  return { ...fee, amount: fee.amount.toFixed() };
}

function reportFromJson(json: unknown): VenueFeeReport {
  const r = json as Omit<VenueFeeReport, 'amount'> & { amount: string };
  // Written by reportToJson above: anything else is a broken database.
  if (typeof r !== 'object' || r === null || typeof r.feeId !== 'string' || typeof r.amount !== 'string') {
    throw new FillbookError('FILLBOOK_ERR_INTERNAL', 'a waiting venue fee is not one this service wrote', {});
  }
  return { ...r, amount: new Decimal(r.amount) };
}
