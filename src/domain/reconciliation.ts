import { createHash } from 'node:crypto';
import type { VenueFillReport, VenueOrderReport, VenuePositionReport } from './broker-reports.js';
import { type Decimal, formatDecimal, zero } from './decimal.js';
import { isTerminal, isWorking, type OrderStatus } from './order-status.js';
import type { OrderSender } from './vocabulary.js';

/**
 * Reconciliation as pure functions: from the ledger's view of an account and the venue's reports to
 * findings, each with the repair that would fix it. The I/O around them (reading, asking the venue,
 * applying repairs) lives in the service. Ids it invents are derived from the venue's ids, so a
 * second run invents the same ones.
 */
export const findingCategories = [
  'matched',
  'missing_at_broker',
  'orphaned_at_broker',
  'fill_mismatch',
  'status_mismatch',
  'stuck_submission',
  'holding_mismatch',
  'unprotected_position',
  // A venue item its adapter could not read, kept raw (unparsed-findings.ts): reported, never repaired.
  'unparsed_venue_item',
] as const;
export type FindingCategory = (typeof findingCategories)[number];

export const reconciliationActions = ['clear_invalid', 'cancel_orphaned', 'adopt_orphaned', 'import_fills'] as const;
export type ReconciliationAction = (typeof reconciliationActions)[number];

/**
 * Findings that say the ledger itself may be wrong. While the latest run of an account leaves one
 * of these unresolved, a fail-closed account refuses new entries (exits and protection still pass).
 */
export const haltingCategories = ['orphaned_at_broker', 'missing_at_broker', 'fill_mismatch', 'holding_mismatch', 'stuck_submission'] as const satisfies readonly FindingCategory[];

export function isHalting(category: FindingCategory): boolean {
  return (haltingCategories as readonly string[]).includes(category);
}

/**
 * A status's class, as the ledger and the venue are compared on it: still working, or done in one
 * of three ways (traded in full, ended with no further trading, never traded because refused).
 */
export type StatusClass = 'working' | 'filled' | 'ended' | 'refused';

export function statusClass(status: OrderStatus): StatusClass {
  if (isWorking(status)) return 'working';
  if (status === 'filled') return 'filled';
  if (status === 'rejected' || status === 'failed') return 'refused';
  return 'ended';
}

/** The little of a ledger order reconciliation needs (slim, so a million fit in memory). */
export interface LedgerOrderView {
  id: string;
  clientOrderId: string;
  brokerOrderId: string | null;
  symbol: string;
  status: OrderStatus;
  qtyFilled: Decimal;
  updatedAt: string;
  sentBy: OrderSender;
}

/**
 * The ledger's working orders as reconciliation reads a million of them: the ids pairing needs, and
 * each order's view decoded when it is needed. Holding a million decoded views at once cost about
 * 200 MB and much of the garbage collector's time (bench/reconcile.ts); storage keeps each order
 * as one packed row instead (src/storage/reconciliation-store.ts).
 */
export interface LedgerWorkingOrders {
  readonly length: number;
  brokerOrderId(at: number): string | null;
  clientOrderId(at: number): string;
  /** Whether the order's client order id is this one (answered without building the string). */
  hasClientOrderId(at: number, clientOrderId: string): boolean;
  /** The order's view, decoded anew on each call: keep it only as long as it is needed. */
  view(at: number): LedgerOrderView;
  /**
   * What the classification compares before anything else, without decoding the order's ids (most
   * orders agree, and their ids are never needed): one object, overwritten by the next call.
   */
  compared(at: number): LedgerOrderCompared;
}

/** The fields of a ledger order that decide whether it agrees with its venue order (`LedgerWorkingOrders.compared`). */
export interface LedgerOrderCompared {
  status: OrderStatus;
  qtyFilled: Decimal;
  updatedAt: string;
  hasBrokerOrderId: boolean;
}

/** Views already decoded, as LedgerWorkingOrders (as many as the array holds at each call: it may grow). */
export function workingOrdersOf(views: readonly LedgerOrderView[]): LedgerWorkingOrders {
  return {
    get length() {
      return views.length;
    },
    brokerOrderId: (at) => views[at]!.brokerOrderId,
    clientOrderId: (at) => views[at]!.clientOrderId,
    hasClientOrderId: (at, clientOrderId) => views[at]!.clientOrderId === clientOrderId,
    view: (at) => views[at]!,
    compared: (at) => {
      const v = views[at]!;
      return { status: v.status, qtyFilled: v.qtyFilled, updatedAt: v.updatedAt, hasBrokerOrderId: v.brokerOrderId !== null };
    },
  };
}

/**
 * Which venue open order each ledger working order is compared with: the one with the order's
 * broker order id, else the last one with its client order id. Found in one pass over each side:
 * both sides usually list their orders in the same order (the time they were placed), so each venue
 * order is first compared with the ledger order after the last one paired; the few it does not
 * find there (a venue order the ledger lacks, one out of order, or repeated) are looked up in one
 * more pass over the ledger's ids, and those no ledger order carries cleanly (by both ids) get small
 * indexes of their own. At 1,000,000 orders this replaced two indexes of the venue's orders (by
 * venue id and by client id) and four lookups per order, and then an index of every ledger order
 * by broker order id (its million insertions took most of the pairing's time).
 *
 * The ledger's orders are one account's, so their client order ids and broker order ids are each
 * unique (the orders table's constraints): a venue order with a ledger order's client id is either
 * that order's clean pair or one of the few indexed apart.
 */
export interface WorkingPairs {
  /** Per ledger working order (by position): the position of the venue open order it is compared with, -1 when the venue lists none. */
  venueAt: Int32Array;
  /** Per venue open order: 1 when some ledger working order names it, by venue order id or by client order id. */
  named: Uint8Array;
  /**
   * Per venue open order: 1 when the venue lists its venue order id again further on (a listing read
   * in pages can repeat an order at a page's edge). Only the last listing of an order is compared:
   * an earlier one is the same order, neither an orphan nor one the ledger closed.
   */
  repeated: Uint8Array;
  /**
   * Per ledger working order: the position of the venue open order it was found to agree with as
   * the two were paired (`WorkingPairing`'s `agrees`), -1 when it was not. Such a venue order's
   * report is not kept: the classification counts the pair matched without it.
   */
  agreedAt: Int32Array;
  /** Which of these venue order ids the venue lists as open (one pass over the ledger's ids for them all). */
  listedOpen(venueOrderIds: Iterable<string>): Set<string>;
}

/**
 * The first half of the pairing: the ledger working orders' broker order ids by position, decoded
 * once. It can be built a page at a time as the ledger's orders arrive (`add`), while the venue's
 * are still being read; `pairWorkingOrders` completes it.
 */
export class LedgerBrokerIndex {
  readonly ids: (string | null)[] = [];
  private indexed = 0;

  /** Indexes the orders from the last one indexed up to (not including) position `upTo`. */
  add(ledgerWorking: LedgerWorkingOrders, upTo: number = ledgerWorking.length): this {
    for (let l = this.indexed; l < upTo; l++) this.ids[l] = ledgerWorking.brokerOrderId(l);
    this.indexed = Math.max(this.indexed, upTo);
    return this;
  }

  /** The ledger position of each of these broker order ids (all when undefined) that a ledger order carries: one pass over the ids. */
  positionsOf(brokerOrderIds: ReadonlySet<string> | undefined): Map<string, number> {
    const found = new Map<string, number>();
    if (brokerOrderIds?.size === 0) return found;
    const { ids } = this;
    for (let l = 0; l < ids.length; l++) {
      const id = ids[l];
      if (id !== null && id !== undefined && (brokerOrderIds === undefined || brokerOrderIds.has(id))) found.set(id, l);
    }
    return found;
  }
}

/** How far past the expected ledger position a venue order's pair is looked for (see `WorkingPairing`). */
const expectedWindow = 16;
/** Venue orders in a row not found near where expected before every ledger id is indexed. */
const missesBeforeIndex = 64;

/** Whether a ledger working order agrees with the venue open order it was just paired with (an `OrderJudge`'s `agrees`). */
export type PairAgreement = (order: LedgerOrderCompared, venue: VenueOrderReport) => boolean;

export interface WorkingPairingOptions {
  /**
   * False when the ledger's working orders are still being read (and indexed, page by page): the
   * venue's pages may then be added as far as `ready` allows, and `ledgerRead` says when it is done.
   */
  ledgerRead?: boolean;
  /** Decides a pair as it is made; a venue order that agrees is then not kept (`WorkingPairs.agreedAt`). */
  agrees?: PairAgreement;
}

/**
 * The pairing done as the venue's open orders arrive, a page at a time in the venue's order, while
 * the ledger's working orders are still read (and indexed by `LedgerBrokerIndex`) or once they are:
 * each venue order is compared as it comes, so that a venue read in pages is paired while its next
 * page (and the ledger's) is read. A pair made cleanly (by broker order id, the client order id
 * agreeing or absent) is final unless the venue lists the order again; with `agrees`, one that
 * agrees is decided there and its report dropped, so that a million venue orders are not all held
 * until the classification. `finish` gives the same pairs as `pairWorkingOrders` over the whole list.
 */
export class WorkingPairing {
  /** The ledger position after the last venue order paired in the ledger's order: where the next one's pair most often is. */
  private expected = 0;
  /** Venue orders not found where expected, in a row; past `missesBeforeIndex`, every ledger id is indexed (`byId`). */
  private misses = 0;
  private byId: Map<string, number> | undefined;
  // Per ledger order (grown as the ledger is read): the last venue position with its broker order id,
  // the last of those with its client order id too, and the one it was found to agree with.
  private byBrokerId = new Int32Array(0);
  private cleanAt = new Int32Array(0);
  private agreedAt = new Int32Array(0);
  /** The venue orders not found where expected, and their positions: looked up in `finish`. */
  private readonly unexpected: VenueOrderReport[] = [];
  private readonly unexpectedAt: number[] = [];
  /** Positions of venue orders listed again further on (`WorkingPairs.repeated`). */
  private readonly repeats: number[] = [];
  private readonly kept: (VenueOrderReport | undefined)[] = [];
  private ledgerComplete: boolean;
  private readonly agrees: PairAgreement | undefined;
  /** Venue orders paired so far. */
  venueCount = 0;

  constructor(
    private readonly ledgerWorking: LedgerWorkingOrders,
    private readonly index: LedgerBrokerIndex = new LedgerBrokerIndex(),
    options: WorkingPairingOptions = {},
  ) {
    this.ledgerComplete = options.ledgerRead ?? true;
    this.agrees = options.agrees;
    index.add(ledgerWorking);
    this.grow();
  }

  /** The venue open orders added, by position; those found to agree as paired are left out (undefined). */
  get venueOpen(): readonly (VenueOrderReport | undefined)[] {
    return this.kept;
  }

  /** The ledger's working orders are all read (and indexed). */
  ledgerRead(): void {
    this.index.add(this.ledgerWorking);
    this.ledgerComplete = true;
    this.grow();
  }

  /**
   * Whether the venue's next `count` orders can be added now: once the ledger is read, or while the
   * ledger's orders read so far reach past where those orders' pairs are expected (an order whose
   * pair is not read yet is found in `finish` all the same, only later).
   */
  ready(count: number): boolean {
    return this.ledgerComplete || this.index.ids.length >= this.expected + count + expectedWindow;
  }

  /** The per-ledger-order arrays, as long as the ledger's orders indexed so far. */
  private grow(): void {
    const length = this.index.ids.length;
    if (this.byBrokerId.length >= length) return;
    const capacity = Math.max(length, this.byBrokerId.length * 2);
    const grown = (old: Int32Array) => {
      const next = new Int32Array(capacity).fill(-1);
      next.set(old);
      return next;
    };
    this.byBrokerId = grown(this.byBrokerId);
    this.cleanAt = grown(this.cleanAt);
    this.agreedAt = grown(this.agreedAt);
  }

  /** The venue's next open orders, after those added before. */
  add(venueOpen: readonly VenueOrderReport[]): void {
    this.grow();
    const { ledgerWorking, byBrokerId, cleanAt, agreedAt, unexpected, unexpectedAt, kept, agrees } = this;
    for (let k = 0, i = this.venueCount; k < venueOpen.length; k++, i++) {
      const v = venueOpen[k]!;
      kept.push(v);
      const l = this.ledgerPositionOf(v.venueOrderId);
      if (l === undefined) {
        unexpected.push(v);
        unexpectedAt.push(i);
        continue;
      }
      if (byBrokerId[l]! >= 0) this.repeats.push(byBrokerId[l]!);
      byBrokerId[l] = i;
      agreedAt[l] = -1;
      if (v.clientOrderId !== null && !ledgerWorking.hasClientOrderId(l, v.clientOrderId)) {
        unexpected.push(v);
        unexpectedAt.push(i);
        continue;
      }
      if (v.clientOrderId !== null) cleanAt[l] = i;
      // A clean pair is final (a repeat further on undoes it above): decided now, its report dropped.
      if (agrees !== undefined && agrees(ledgerWorking.compared(l), v)) {
        agreedAt[l] = i;
        kept[i] = undefined;
      }
    }
    this.venueCount += venueOpen.length;
  }

  /**
   * The ledger position of a venue order id, where it is expected: just after the last one found, or
   * a few orders on (orders the venue no longer lists open). Undefined when not there. After many
   * misses in a row the two lists are not in one order, and every ledger id is indexed once, as
   * before this guess (the broker ids are unique in the account: either way finds the same).
   */
  private ledgerPositionOf(venueOrderId: string): number | undefined {
    const { ids } = this.index;
    const last = Math.min(ids.length, this.expected + expectedWindow);
    for (let l = this.expected; l < last; l++) {
      if (ids[l] !== venueOrderId) continue;
      this.expected = l + 1;
      this.misses = 0;
      return l;
    }
    if (this.byId === undefined && ++this.misses > missesBeforeIndex && this.ledgerComplete) this.byId = this.index.positionsOf(undefined);
    const l = this.byId?.get(venueOrderId);
    if (l !== undefined) this.expected = l + 1;
    return l;
  }

  finish(): WorkingPairs {
    if (!this.ledgerComplete) throw new Error('the pairing is finished before the ledger is read');
    const { ledgerWorking, byBrokerId, cleanAt, agreedAt, unexpected, unexpectedAt, index, repeats } = this;
    // The venue orders not found where expected: by venue order id (the last wins, as positions only
    // grow; an earlier listing of the same id is a repeat) and by client order id where no ledger
    // order carries them cleanly.
    const ledgerAt = this.byId ?? index.positionsOf(new Set(unexpected.map((v) => v.venueOrderId)));
    const otherByVenueId = new Map<string, number>();
    const otherByClientId = new Map<string, number>();
    for (let k = 0; k < unexpected.length; k++) {
      const v = unexpected[k]!;
      const i = unexpectedAt[k]!;
      const l = ledgerAt.get(v.venueOrderId);
      if (l === undefined) {
        const before = otherByVenueId.get(v.venueOrderId);
        if (before !== undefined) repeats.push(before);
        otherByVenueId.set(v.venueOrderId, i);
      } else if (byBrokerId[l]! !== i) {
        // Paired in `add` (at another position) or not yet: the earlier of the two is a repeat.
        if (byBrokerId[l]! > i) repeats.push(i);
        else {
          if (byBrokerId[l]! >= 0) repeats.push(byBrokerId[l]!);
          byBrokerId[l] = i;
          agreedAt[l] = -1;
        }
      }
      if (v.clientOrderId === null) continue;
      if (l !== undefined && ledgerWorking.hasClientOrderId(l, v.clientOrderId)) {
        if (cleanAt[l]! < i) cleanAt[l] = i;
      } else otherByClientId.set(v.clientOrderId, i);
    }
    const venueAt = new Int32Array(ledgerWorking.length);
    const named = new Uint8Array(this.venueCount);
    const repeated = new Uint8Array(this.venueCount);
    for (const i of repeats) repeated[i] = 1;
    for (let l = 0; l < ledgerWorking.length; l++) {
      const byBroker = byBrokerId[l]!;
      // Usually every venue order pairs cleanly, and the client ids need not be read again.
      const byClient = otherByClientId.size === 0 ? cleanAt[l]! : Math.max(cleanAt[l]!, otherByClientId.get(ledgerWorking.clientOrderId(l)) ?? -1);
      if (byBroker >= 0) named[byBroker] = 1;
      if (byClient >= 0) named[byClient] = 1;
      venueAt[l] = byBroker >= 0 ? byBroker : byClient;
    }
    return {
      venueAt,
      named,
      repeated,
      agreedAt: agreedAt.subarray(0, ledgerWorking.length),
      listedOpen: (venueOrderIds) => {
        const asked = new Set(venueOrderIds);
        const listed = new Set([...asked].filter((id) => otherByVenueId.has(id)));
        for (const [id, l] of index.positionsOf(asked)) if (byBrokerId[l]! >= 0) listed.add(id);
        return listed;
      },
    };
  }
}

export function pairWorkingOrders(ledgerWorking: LedgerWorkingOrders, venueOpen: readonly VenueOrderReport[], index: LedgerBrokerIndex = new LedgerBrokerIndex()): WorkingPairs {
  const pairing = new WorkingPairing(ledgerWorking, index);
  pairing.add(venueOpen);
  return pairing.finish();
}

/**
 * The ledger's order for a venue order, by the rule every path that matches venue reports to ledger
 * orders follows (`VenueSync`, reconciliation): the order carrying the venue order id as its broker
 * order id, else the order with the venue order's client order id, unless that order carries another
 * broker order id (another venue order reusing the client id: the bot placed it again after the
 * first was refused). `byBrokerId` and `byClientId` look the ledger up.
 */
export function ledgerOrderFor<T extends { brokerOrderId: string | null }>(
  venue: { venueOrderId: string; clientOrderId: string | null },
  byBrokerId: (brokerOrderId: string) => T | undefined,
  byClientId: (clientOrderId: string) => T | undefined,
): T | undefined {
  const byBroker = byBrokerId(venue.venueOrderId);
  if (byBroker !== undefined) return byBroker;
  const byClient = venue.clientOrderId === null ? undefined : byClientId(venue.clientOrderId);
  return byClient !== undefined && clientIdMatchHolds(byClient, venue.venueOrderId) ? byClient : undefined;
}

/** Whether a ledger order found by a venue order's client order id is that venue order's (see `ledgerOrderFor`). */
export function clientIdMatchHolds(order: { brokerOrderId: string | null }, venueOrderId: string): boolean {
  return order.brokerOrderId === null || order.brokerOrderId === venueOrderId;
}

export type Repair =
  /** Bring the ledger order to the venue's state (status and fills). */
  | { kind: 'apply_venue_state'; action: 'clear_invalid'; venueOrder: VenueOrderReport }
  /** The venue does not know the order: close it in the ledger. */
  | { kind: 'close_not_found'; action: 'clear_invalid'; event: 'canceled' | 'failed' | 'rejected'; reason: 'not_found_at_broker' }
  /** Import the venue's fills the ledger lacks, and an inferred fill for what no fill explains. */
  | { kind: 'import_fills'; action: 'import_fills'; venueOrder: VenueOrderReport }
  /** An order working at the venue that the ledger does not know: adopt it, or cancel it at the venue. */
  | { kind: 'orphan'; action: 'adopt_orphaned' | 'cancel_orphaned'; venueOrder: VenueOrderReport; adoptedOrderId: string }
  /** The ledger closed an order the venue still works: cancel it there. */
  | { kind: 'cancel_at_venue'; action: 'cancel_orphaned'; venueOrder: VenueOrderReport };

export interface Finding {
  category: Exclude<FindingCategory, 'matched'>;
  orderId: string | null;
  brokerOrderId: string | null;
  symbol: string | null;
  details: Record<string, unknown>;
  /** Each way the finding can be repaired; empty when it can only be reported. */
  repairs: Repair[];
}

export interface OrderReconciliationInput {
  /** Ledger orders in a working status. */
  ledgerWorking: LedgerWorkingOrders;
  /** The venue's open orders, by position; one the pairing found to agree may be left out (`WorkingPairs.agreedAt`). */
  venueOpen: readonly (VenueOrderReport | undefined)[];
  /** The venue's answer for single lookups of ledger orders missing from its open orders (null: unknown to the venue). */
  venueLookups: ReadonlyMap<string, VenueOrderReport | null>;
  /** The ledger's order (any status) for venue open orders missing from its working orders (null: unknown to the ledger). */
  ledgerLookups: ReadonlyMap<string, LedgerOrderView | null>;
  accountId: string;
  now: string;
  /** Orders changed this recently are left for the next run (their news may be in flight). */
  quietPeriodMs: number;
  /** A `pending_submit`/`submitted` order older than this is a stuck submission. */
  stuckAfterMs: number;
  /** The pairs lookupsNeeded was given. */
  pairs: WorkingPairs;
}

export interface OrderReconciliation {
  findings: Finding[];
  matched: number;
  deferred: number;
}

/** What `reconcileOrders` needs looked up first: by ledger order id and by venue order id. */
export function lookupsNeeded(ledgerWorking: LedgerWorkingOrders, venueOpen: readonly (VenueOrderReport | undefined)[], pairs: WorkingPairs) {
  const ledgerOrders: LedgerOrderView[] = [];
  for (let l = 0; l < ledgerWorking.length; l++) if (pairs.venueAt[l] === -1) ledgerOrders.push(ledgerWorking.view(l));
  // A venue order named by the client id of a ledger order matched elsewhere is still "known" (as before).
  return {
    /** Ledger working orders the venue does not list as open: ask the venue for each. */
    ledgerOrders,
    /** Venue open orders the ledger does not hold as working: look each up in the ledger. */
    venueOrders: venueOpen.filter((v, i): v is VenueOrderReport => pairs.named[i] === 0 && pairs.repeated[i] === 0 && v !== undefined),
    pairs,
  };
}

/** Date.parse, remembering the last answer: timestamps repeat (orders changed together, interned strings). */
function timeParser(): (iso: string) => number {
  let lastText = '';
  let lastMs = Number.NaN;
  return (iso) => {
    if (iso !== lastText) {
      lastText = iso;
      lastMs = Date.parse(iso);
    }
    return lastMs;
  };
}

/** When `reconcileOrders` judges: its clock, and how long a change keeps an order out of the run or makes a submission stuck. */
export interface OrderJudgeClock {
  now: string;
  quietPeriodMs: number;
  stuckAfterMs: number;
}

/**
 * The rule a ledger working order and the venue open order paired with it are judged by: left for
 * the next run while either changed within the quiet period, stuck when unconfirmed past
 * stuck-after, else compared (`pairedDifference`). `reconcileOrders` judges by it, and a pairing
 * made as the venue's pages arrive decides by `agrees`, with a clock read before those pages, the
 * pairs that agree whatever the later clock of the classification.
 */
export class OrderJudge {
  private readonly nowMs: number;
  private readonly ledgerMs = timeParser();
  private readonly venueMs = timeParser();

  constructor(private readonly clock: OrderJudgeClock) {
    this.nowMs = Date.parse(clock.now);
  }

  /** Changed within the quiet period before now. */
  quiet(updatedAtMs: number): boolean {
    return this.nowMs - updatedAtMs < this.clock.quietPeriodMs;
  }

  private ledgerUpdatedMs(order: LedgerOrderCompared): number {
    return this.ledgerMs(order.updatedAt);
  }

  /** Sent (or about to be) and not yet confirmed by the venue: the orders that can be stuck. */
  private static unconfirmed(order: LedgerOrderCompared): boolean {
    return order.status === 'pending_submit' || order.status === 'submitted';
  }

  /** The pair is left for the next run: either side changed within the quiet period. */
  deferred(order: LedgerOrderCompared, venue: VenueOrderReport | undefined): boolean {
    return this.quiet(this.ledgerUpdatedMs(order)) || (venue !== undefined && this.quiet(this.venueMs(venue.updatedAt)));
  }

  /** An order the venue has not confirmed, unchanged since past stuck-after. */
  stuck(order: LedgerOrderCompared): boolean {
    return OrderJudge.unconfirmed(order) && this.nowMs - this.ledgerUpdatedMs(order) >= this.clock.stuckAfterMs;
  }

  /**
   * The pair agrees now and at any later clock, so that a pairing may decide it before the run's
   * classification (`reconcileOrders`, whose clock is read after the venue's lists): neither side
   * changed within the quiet period before this clock (nor, then, before a later one), the order is
   * not an unconfirmed one a later clock could find stuck, and nothing differs.
   */
  readonly agrees: PairAgreement = (order, venue) =>
    !OrderJudge.unconfirmed(order) && !this.deferred(order, venue) && pairedDifference(order, venue, false) === null;
}

export function reconcileOrders(input: OrderReconciliationInput): OrderReconciliation {
  const judge = new OrderJudge(input);
  const { pairs } = input;
  const findings: Finding[] = [];
  let matched = 0;
  let deferred = 0;
  const seenVenue = new Uint8Array(input.venueOpen.length);

  for (let l = 0; l < input.ledgerWorking.length; l++) {
    const at = pairs.venueAt[l]!;
    if (at !== -1) seenVenue[at] = 1;
    // Decided as the pair was made (`OrderJudge.agrees`: agreeing at that earlier clock, and so at this one), its venue report not kept.
    if (at !== -1 && pairs.agreedAt[l] === at) {
      matched++;
      continue;
    }
    const compared = input.ledgerWorking.compared(l);
    const open = at === -1 ? undefined : input.venueOpen[at];
    if (at !== -1 && open === undefined) throw new Error(`the venue open order at ${at} is not kept, and not decided`);
    if (judge.deferred(compared, open)) {
      deferred++;
      continue;
    }
    const stuck = judge.stuck(compared);
    // Most orders agree: that is decided before anything is built for a finding, their ids included.
    const listed = open === undefined ? undefined : pairedDifference(compared, open, stuck);
    if (listed === null) {
      matched++;
      continue;
    }
    const order = input.ledgerWorking.view(l);
    const venue = open ?? input.venueLookups.get(order.id) ?? null;
    const difference = listed ?? (venue === null ? 'missing' : pairedDifference(compared, venue, stuck));
    if (difference === null) {
      matched++;
      continue;
    }
    const base = { orderId: order.id, brokerOrderId: venue?.venueOrderId ?? order.brokerOrderId, symbol: order.symbol };
    if (venue === null) {
      if (order.status === 'pending_submit' && !stuck) {
        deferred++; // in flight: the send may not have reached the venue yet
        continue;
      }
      findings.push({
        ...base,
        category: stuck ? 'stuck_submission' : 'missing_at_broker',
        details: { ledger_status: order.status, venue_status: null, reason: 'not_found_at_broker' },
        repairs: [{ kind: 'close_not_found', action: 'clear_invalid', event: closingEvent(order), reason: 'not_found_at_broker' }],
      });
      continue;
    }
    const details = orderDetails(order, venue);
    const applyVenueState: Repair[] = [{ kind: 'apply_venue_state', action: 'clear_invalid', venueOrder: venue }];
    switch (difference) {
      case 'stuck':
        findings.push({ ...base, category: 'stuck_submission', details, repairs: applyVenueState });
        break;
      case 'closed_at_venue':
        findings.push({ ...base, category: 'missing_at_broker', details, repairs: applyVenueState });
        break;
      case 'fills':
        findings.push({ ...base, category: 'fill_mismatch', details, repairs: venue.filledQuantity.gt(order.qtyFilled) ? [{ kind: 'import_fills', action: 'import_fills', venueOrder: venue }] : [] });
        break;
      case 'status':
        findings.push({ ...base, category: 'status_mismatch', details, repairs: applyVenueState });
        break;
      case 'broker_order_id_unknown':
        findings.push({ ...base, category: 'status_mismatch', details: { ...details, reason: 'broker_order_id_unknown' }, repairs: applyVenueState });
        break;
    }
  }

  for (let i = 0; i < input.venueOpen.length; i++) {
    if (seenVenue[i] === 1 || pairs.repeated[i] === 1) continue;
    const venue = input.venueOpen[i]!;
    if (judge.quiet(Date.parse(venue.updatedAt))) {
      deferred++;
      continue;
    }
    const known = input.ledgerLookups.get(venue.venueOrderId) ?? null;
    const base = { brokerOrderId: venue.venueOrderId, symbol: venue.symbol };
    if (known === null) {
      const adoptedOrderId = adoptedOrderIdFor(input.accountId, venue.venueOrderId);
      findings.push({
        ...base,
        orderId: null,
        category: 'orphaned_at_broker',
        details: orphanDetails(venue),
        repairs: [
          { kind: 'orphan', action: 'adopt_orphaned', venueOrder: venue, adoptedOrderId },
          { kind: 'orphan', action: 'cancel_orphaned', venueOrder: venue, adoptedOrderId },
        ],
      });
    } else if (judge.quiet(Date.parse(known.updatedAt))) {
      deferred++;
    } else if (known.status === 'failed') {
      // A send reported as failed that the venue works after all: the ledger takes its state, or
      // (if that is the repair asked for) the venue cancels it.
      findings.push({
        ...base,
        orderId: known.id,
        category: 'status_mismatch',
        details: { ...orderDetails(known, venue), reason: failedSendAtVenue },
        repairs: [
          { kind: 'apply_venue_state', action: 'clear_invalid', venueOrder: venue },
          { kind: 'cancel_at_venue', action: 'cancel_orphaned', venueOrder: venue },
        ],
      });
    } else {
      // The ledger closed an order that still works at the venue.
      findings.push({ ...base, orderId: known.id, category: 'status_mismatch', details: orderDetails(known, venue), repairs: [{ kind: 'cancel_at_venue', action: 'cancel_orphaned', venueOrder: venue }] });
    }
  }
  return { findings, matched, deferred };
}

/**
 * How a ledger working order differs from the venue's report of it, first difference first (null:
 * they agree). Decimals from one read are often one instance, so identity is tried before `eq`.
 */
function pairedDifference(order: LedgerOrderCompared, venue: VenueOrderReport, stuck: boolean): 'stuck' | 'closed_at_venue' | 'fills' | 'status' | 'broker_order_id_unknown' | null {
  if (stuck) return 'stuck';
  if (isTerminal(venue.status)) return 'closed_at_venue';
  if (venue.filledQuantity !== order.qtyFilled && !venue.filledQuantity.eq(order.qtyFilled)) return 'fills';
  if (order.status === 'pending_cancel' || (order.status === 'submitted' && venue.status === 'open')) return 'status';
  if (!order.hasBrokerOrderId) return 'broker_order_id_unknown';
  return null;
}

/**
 * How an order the venue does not have is closed: one Fillbook sends and never sent is `failed`
 * (and may be retried); an unconfirmed one the bot sends is `rejected`, never failed, so nothing
 * retries it; one the venue had acknowledged and no longer has is `canceled`.
 */
function closingEvent(order: LedgerOrderView): 'failed' | 'rejected' | 'canceled' {
  const unconfirmed = order.status === 'pending_submit' || order.status === 'submitted';
  if (order.sentBy !== 'fillbook' && unconfirmed) return 'rejected';
  return order.status === 'pending_submit' ? 'failed' : 'canceled';
}

/** A finding's reason for an order the ledger has as `failed` (its send reported as failed) that the venue has. */
export const failedSendAtVenue = 'failed_send_at_venue';

/** A venue order that is closed at the venue, with the ledger's order for it (null: unknown to the ledger). */
export interface ClosedVenueOrder {
  venue: VenueOrderReport;
  ledger: LedgerOrderView | null;
}

/**
 * Orders closed at the venue with activity in the window (from the venue's order history and its
 * fills), against the ledger, whatever the ledger's status: a dropped or late fill on an order the
 * ledger already closed is found here, and so is an order filled and closed at the venue that the
 * ledger never knew (adopt it). Orders the ledger still works are compared by `reconcileOrders`.
 */
export function reconcileClosedOrders(accountId: string, closed: readonly ClosedVenueOrder[], now: string, quietPeriodMs: number): OrderReconciliation {
  const at = Date.parse(now);
  const findings: Finding[] = [];
  let matched = 0;
  let deferred = 0;
  for (const { venue, ledger } of closed) {
    if (ledger !== null && isWorking(ledger.status)) continue;
    if (at - Date.parse(venue.updatedAt) < quietPeriodMs || (ledger !== null && at - Date.parse(ledger.updatedAt) < quietPeriodMs)) {
      deferred++;
      continue;
    }
    if (ledger === null) {
      findings.push({
        category: 'orphaned_at_broker',
        orderId: null,
        brokerOrderId: venue.venueOrderId,
        symbol: venue.symbol,
        details: { ...orphanDetails(venue), closed_at_venue: true },
        repairs: [{ kind: 'orphan', action: 'adopt_orphaned', venueOrder: venue, adoptedOrderId: adoptedOrderIdFor(accountId, venue.venueOrderId) }],
      });
      continue;
    }
    const base = { orderId: ledger.id, brokerOrderId: venue.venueOrderId, symbol: ledger.symbol };
    // A send reported as failed that the venue had after all: the ledger takes the venue's state,
    // fills and status at once (a failed order takes the venue's reports).
    const failedSend = ledger.status === 'failed';
    const details = failedSend ? { ...orderDetails(ledger, venue), reason: failedSendAtVenue } : orderDetails(ledger, venue);
    const takeVenueState: Repair[] = [{ kind: 'apply_venue_state', action: 'clear_invalid', venueOrder: venue }];
    if (venue.filledQuantity.gt(ledger.qtyFilled)) {
      findings.push({ ...base, category: 'fill_mismatch', details: { ...details, closed_in_ledger: true }, repairs: failedSend ? takeVenueState : [{ kind: 'import_fills', action: 'import_fills', venueOrder: venue }] });
    } else if (venue.filledQuantity.lt(ledger.qtyFilled)) {
      findings.push({ ...base, category: 'fill_mismatch', details: { ...details, closed_in_ledger: true }, repairs: [] });
    } else if (statusClass(venue.status) !== statusClass(ledger.status)) {
      findings.push({ ...base, category: 'status_mismatch', details, repairs: failedSend ? takeVenueState : [] });
    } else if (ledger.brokerOrderId === null) {
      findings.push({ ...base, category: 'status_mismatch', details: { ...details, reason: 'broker_order_id_unknown' }, repairs: takeVenueState });
    } else {
      matched++;
    }
  }
  return { findings, matched, deferred };
}

/** What a finding says of a venue order the ledger does not know. */
function orphanDetails(venue: VenueOrderReport): Record<string, unknown> {
  return { venue_status: venue.status, client_order_id: venue.clientOrderId, side: venue.side, quantity: formatDecimal(venue.quantity), filled_quantity: formatDecimal(venue.filledQuantity) };
}

function orderDetails(order: LedgerOrderView, venue: VenueOrderReport): Record<string, unknown> {
  return {
    ledger_status: order.status,
    venue_status: venue.status,
    ledger_filled: formatDecimal(order.qtyFilled),
    venue_filled: formatDecimal(venue.filledQuantity),
    client_order_id: order.clientOrderId,
  };
}

/** The fills to import for an order: the venue's fills the ledger lacks, then an inferred fill for the rest. */
export interface FillImportPlan {
  missing: VenueFillReport[];
  inferred: { execId: string; quantity: Decimal; price: Decimal; priceSource: 'venue_average' | 'limit_price' | 'unknown' } | null;
}

export function planFillImport(
  ledgerFilled: Decimal,
  ledgerNotional: Decimal,
  ledgerExecIds: ReadonlySet<string>,
  venueOrder: VenueOrderReport,
  venueFills: readonly VenueFillReport[],
): FillImportPlan {
  const missing = venueFills.filter((f) => f.venueOrderId === venueOrder.venueOrderId && !ledgerExecIds.has(f.execId));
  // A spread's missing fills carry their leg and are imported as they are. What no fill explains
  // cannot be inferred: complete units do not say which leg lacks contracts, nor at what price.
  if (venueOrder.legs !== null) return { missing, inferred: null };
  const explained = ledgerFilled.plus(missing.reduce((sum, f) => sum.plus(f.quantity), zero));
  const unexplained = venueOrder.filledQuantity.minus(explained);
  if (!unexplained.gt(0)) return { missing, inferred: null };
  // What no fill explains is inferred at the price that makes the venue's average come out right.
  const known = missing.reduce((sum, f) => sum.plus(f.quantity.times(f.price)), zero);
  const avg = venueOrder.avgFillPrice;
  const price = avg !== null ? avg.times(venueOrder.filledQuantity).minus(known).minus(ledgerNotional).div(unexplained) : (venueOrder.limitPrice ?? zero);
  return {
    missing,
    inferred: {
      execId: inferredExecId(venueOrder.venueOrderId, venueOrder.filledQuantity),
      quantity: unexplained,
      price: price.isNegative() ? zero : price.toDecimalPlaces(12),
      priceSource: avg !== null ? 'venue_average' : venueOrder.limitPrice !== null ? 'limit_price' : 'unknown',
    },
  };
}

/** Net quantity per symbol, ledger against venue. */
export function reconcileHoldings(ledger: ReadonlyMap<string, Decimal>, venue: readonly VenuePositionReport[]): Finding[] {
  const venueBySymbol = new Map(venue.map((p) => [p.symbol, p.netQuantity]));
  const symbols = [...new Set([...ledger.keys(), ...venueBySymbol.keys()])].sort();
  return symbols.flatMap((symbol) => {
    const ours = ledger.get(symbol) ?? zero;
    const theirs = venueBySymbol.get(symbol) ?? zero;
    if (ours.eq(theirs)) return [];
    return [{ category: 'holding_mismatch' as const, orderId: null, brokerOrderId: null, symbol, details: { ledger_net: formatDecimal(ours), venue_net: formatDecimal(theirs), difference: formatDecimal(theirs.minus(ours)) }, repairs: [] }];
  });
}

export interface PositionProtection {
  positionId: string;
  signalId: string;
  symbol: string;
  qtyOpen: Decimal;
  protectiveStatuses: readonly OrderStatus[];
}

/** Open positions without a working stop-loss or take-profit. */
export function findUnprotected(positions: readonly PositionProtection[]): Finding[] {
  return positions
    .filter((p) => p.qtyOpen.gt(0) && !p.protectiveStatuses.some(isWorking))
    .map((p) => ({
      category: 'unprotected_position' as const,
      orderId: null,
      brokerOrderId: null,
      symbol: p.symbol,
      details: { position_id: p.positionId, signal_id: p.signalId, qty_open: formatDecimal(p.qtyOpen) },
      repairs: [],
    }));
}

/** A UUID derived from its parts (SHA-256, formatted as a version-5-style UUID). */
export function deterministicUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function adoptedOrderIdFor(accountId: string, venueOrderId: string): string {
  return deterministicUuid('adopted-order', accountId, venueOrderId);
}

export function inferredExecId(venueOrderId: string, venueFilled: Decimal): string {
  return `inferred:${venueOrderId}:${formatDecimal(venueFilled)}`;
}
