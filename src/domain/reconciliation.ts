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

/** The venue's open orders indexed once (by position), for lookupsNeeded and reconcileOrders alike. */
export interface VenueOpenIndex {
  byVenueId: Map<string, number>;
  byClientId: Map<string, number>;
}

export function indexVenueOpen(venueOpen: readonly VenueOrderReport[]): VenueOpenIndex {
  const byVenueId = new Map<string, number>();
  const byClientId = new Map<string, number>();
  for (let i = 0; i < venueOpen.length; i++) {
    const v = venueOpen[i]!;
    byVenueId.set(v.venueOrderId, i);
    if (v.clientOrderId !== null) byClientId.set(v.clientOrderId, i);
  }
  return { byVenueId, byClientId };
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
  ledgerWorking: readonly LedgerOrderView[];
  /** The venue's open orders. */
  venueOpen: readonly VenueOrderReport[];
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
  /** The venue index lookupsNeeded built; built again when absent. */
  index?: VenueOpenIndex;
}

export interface OrderReconciliation {
  findings: Finding[];
  matched: number;
  deferred: number;
}

/** What `reconcileOrders` needs looked up first: by ledger order id and by venue order id. */
export function lookupsNeeded(ledgerWorking: readonly LedgerOrderView[], venueOpen: readonly VenueOrderReport[], index: VenueOpenIndex = indexVenueOpen(venueOpen)) {
  // Which venue open orders some ledger working order names (by venue id or client id), without a set of the ledger's keys.
  const named = new Uint8Array(venueOpen.length);
  const ledgerOrders: LedgerOrderView[] = [];
  for (const o of ledgerWorking) {
    const byBroker = o.brokerOrderId === null ? undefined : index.byVenueId.get(o.brokerOrderId);
    const byClient = index.byClientId.get(o.clientOrderId);
    if (byBroker !== undefined) named[byBroker] = 1;
    if (byClient !== undefined) named[byClient] = 1;
    if (byBroker === undefined && byClient === undefined) ledgerOrders.push(o);
  }
  // A venue order named by the client id of a ledger order matched elsewhere is still "known" (as before).
  return {
    /** Ledger working orders the venue does not list as open: ask the venue for each. */
    ledgerOrders,
    /** Venue open orders the ledger does not hold as working: look each up in the ledger. */
    venueOrders: venueOpen.filter((_, i) => named[i] === 0),
    index,
  };
}

export function reconcileOrders(input: OrderReconciliationInput): OrderReconciliation {
  const now = Date.parse(input.now);
  const quiet = (updatedAt: string) => now - Date.parse(updatedAt) < input.quietPeriodMs;
  const index = input.index ?? indexVenueOpen(input.venueOpen);
  const findings: Finding[] = [];
  let matched = 0;
  let deferred = 0;
  const seenVenue = new Uint8Array(input.venueOpen.length);

  for (const order of input.ledgerWorking) {
    const at = (order.brokerOrderId !== null ? index.byVenueId.get(order.brokerOrderId) : undefined) ?? index.byClientId.get(order.clientOrderId);
    const open = at === undefined ? undefined : input.venueOpen[at];
    if (at !== undefined) seenVenue[at] = 1;
    if (quiet(order.updatedAt) || (open !== undefined && quiet(open.updatedAt))) {
      deferred++;
      continue;
    }
    const venue = open ?? input.venueLookups.get(order.id) ?? null;
    const base = { orderId: order.id, brokerOrderId: venue?.venueOrderId ?? order.brokerOrderId, symbol: order.symbol };
    const stuck = (order.status === 'pending_submit' || order.status === 'submitted') && now - Date.parse(order.updatedAt) >= input.stuckAfterMs;
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
    if (stuck) {
      findings.push({ ...base, category: 'stuck_submission', details, repairs: [{ kind: 'apply_venue_state', action: 'clear_invalid', venueOrder: venue }] });
    } else if (isTerminal(venue.status)) {
      findings.push({ ...base, category: 'missing_at_broker', details, repairs: [{ kind: 'apply_venue_state', action: 'clear_invalid', venueOrder: venue }] });
    } else if (!venue.filledQuantity.eq(order.qtyFilled)) {
      findings.push({ ...base, category: 'fill_mismatch', details, repairs: venue.filledQuantity.gt(order.qtyFilled) ? [{ kind: 'import_fills', action: 'import_fills', venueOrder: venue }] : [] });
    } else if (order.status === 'pending_cancel' || (order.status === 'submitted' && venue.status === 'open')) {
      findings.push({ ...base, category: 'status_mismatch', details, repairs: [{ kind: 'apply_venue_state', action: 'clear_invalid', venueOrder: venue }] });
    } else if (order.brokerOrderId === null) {
      findings.push({ ...base, category: 'status_mismatch', details: { ...details, reason: 'broker_order_id_unknown' }, repairs: [{ kind: 'apply_venue_state', action: 'clear_invalid', venueOrder: venue }] });
    } else {
      matched++;
    }
  }

  for (let i = 0; i < input.venueOpen.length; i++) {
    if (seenVenue[i] === 1) continue;
    const venue = input.venueOpen[i]!;
    if (quiet(venue.updatedAt)) {
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
    } else if (quiet(known.updatedAt)) {
      deferred++;
    } else {
      // The ledger closed an order that still works at the venue.
      findings.push({ ...base, orderId: known.id, category: 'status_mismatch', details: orderDetails(known, venue), repairs: [{ kind: 'cancel_at_venue', action: 'cancel_orphaned', venueOrder: venue }] });
    }
  }
  return { findings, matched, deferred };
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
    const details = orderDetails(ledger, venue);
    if (venue.filledQuantity.gt(ledger.qtyFilled)) {
      findings.push({ ...base, category: 'fill_mismatch', details: { ...details, closed_in_ledger: true }, repairs: [{ kind: 'import_fills', action: 'import_fills', venueOrder: venue }] });
    } else if (venue.filledQuantity.lt(ledger.qtyFilled)) {
      findings.push({ ...base, category: 'fill_mismatch', details: { ...details, closed_in_ledger: true }, repairs: [] });
    } else if (statusClass(venue.status) !== statusClass(ledger.status)) {
      findings.push({ ...base, category: 'status_mismatch', details, repairs: [] });
    } else if (ledger.brokerOrderId === null) {
      findings.push({ ...base, category: 'status_mismatch', details: { ...details, reason: 'broker_order_id_unknown' }, repairs: [{ kind: 'apply_venue_state', action: 'clear_invalid', venueOrder: venue }] });
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
