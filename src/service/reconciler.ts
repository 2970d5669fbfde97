import {
  type ClosedVenueOrder,
  FillbookError,
  type Finding,
  isHalting,
  isWorking,
  findingCategories,
  findUnprotected,
  LedgerBrokerIndex,
  type LedgerWorkingOrders,
  type LedgerOrderView,
  ledgerOrderFor,
  lookupsNeeded,
  OrderJudge,
  WorkingPairing,
  type WorkingPairs,
  planFillImport,
  type ReconciliationAction,
  reconcileHoldings,
  reconcileOrders,
  reconcileClosedOrders,
  type Repair,
  runAlerts,
  type VenueFillReport,
  type VenueOrderReport,
} from '../domain/index.js';
import { type Account, fillBatchMax, type FillResult, type Ledger, type RecordFillInput } from '../ledger/index.js';
import {
  type Database,
  finishRun,
  insertFindings,
  queueAlerts,
  selectRunAlertInputs,
  upsertRunAlertState,
  insertRun,
  type RunRecord,
  selectFindings,
  selectNetBySymbol,
  selectOrderFillKeys,
  selectOrdersByVenueKeys,
  selectPositionProtection,
  selectRun,
  selectRunAccount,
  selectRuns,
  readWorkingOrders,
  selectKnownExecIds,
  selectWatermark,
  setAccountHalt,
  type StoredFinding,
  upsertWatermark,
} from '../storage/index.js';
import { type VenueAdapter, venueOrderLookupBatchMax } from '../venues/index.js';
import { fillInputOf, type VenueSync } from './venue-sync.js';
import { unparsedItemFindings } from './unparsed-items.js';
import { observeOnly, type Venues } from './venues.js';

/** Orders changed this recently are left for the next run. */
export const quietPeriodMsDefault = 5_000;
import { stuckAfterMsDefault } from './order-router.js';
import { readPages } from './venue-pages.js';
/** Ledger orders read per page; venue lookups made at once. */
export const ledgerPageSize = 10_000;
export const venueLookupsInFlightMax = 8;
export const findingsReturnedMax = 10_000;
/**
 * How far before the account's creation the first run reads the venue's orders and fills; later runs
 * read from the watermark the last complete run left (history before that is brought in by import).
 */
export const fillLookbackMsDefault = 24 * 3_600_000;
/** The watermark is set this far before the run's start, so a venue item stamped a little late is read again. */
export const watermarkOverlapMs = 60_000;

export interface ReconcileRequest {
  accountId: string;
  /** None: a dry run. */
  actions?: readonly ReconciliationAction[];
  /** Who or what started it: `user:<id>`, `cli`, `startup`, `schedule`, `reconnect`. */
  startedBy: string;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface ReconciliationRun extends RunRecord {
  findings: StoredFinding[];
}

export interface ReconcilerOptions {
  quietPeriodMs?: number;
  fillLookbackMs?: number;
  stuckAfterMs?: number;
  now?: () => Date;
}

/**
 * The I/O around the pure reconciliation functions: read the ledger and the venue, classify, apply
 * the named actions, store the run. One run per account at a time, across instances (advisory lock).
 */
export class Reconciler {
  private readonly quietPeriodMs: number;
  private readonly stuckAfterMs: number;
  private readonly fillLookbackMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly ledger: Ledger,
    private readonly venues: Venues,
    private readonly sync: VenueSync,
    options: ReconcilerOptions = {},
  ) {
    this.quietPeriodMs = options.quietPeriodMs ?? quietPeriodMsDefault;
    this.stuckAfterMs = options.stuckAfterMs ?? stuckAfterMsDefault;
    this.fillLookbackMs = options.fillLookbackMs ?? fillLookbackMsDefault;
    this.now = options.now ?? (() => new Date());
  }

  async run(request: ReconcileRequest): Promise<ReconciliationRun> {
    const account = await this.ledger.getAccount(request.accountId);
    // An observe-only account is never acted on at the venue: a repair that would cancel there is refused up front.
    if (account.observeOnly && request.actions?.includes('cancel_orphaned')) throw observeOnly(account.id);
    const adapter = await this.venues.forAccount(account.id);
    const result = await this.ledger.db.withAdvisoryLock(`fillbook:reconcile:${account.id}`, () => this.runLocked(account, adapter, request));
    if (result === undefined) {
      throw new FillbookError('FILLBOOK_ERR_RECONCILIATION_RUNNING', `a reconciliation of account ${account.id} is already running; try again when it ends`, { account_id: account.id });
    }
    return result;
  }

  private async runLocked(account: Account, adapter: VenueAdapter, request: ReconcileRequest): Promise<ReconciliationRun> {
    const accountId = account.id;
    const actions = [...new Set(request.actions ?? [])];
    const db = this.ledger.db;
    const run: RunRecord = {
      id: crypto.randomUUID(),
      accountId,
      startedBy: request.startedBy,
      startedAt: this.now().toISOString(),
      finishedAt: null,
      dryRun: actions.length === 0,
      actions,
      status: 'running',
      summary: {},
      error: null,
    };
    await insertRun(db, run);
    try {
      const since = (await selectWatermark(db, accountId)) ?? new Date(Date.parse(account.createdAt) - this.fillLookbackMs).toISOString();
      const { findings, matched, deferred, venueCreatedAt } = await this.findings(accountId, adapter, since, request.onProgress);
      const taken = await this.repair(accountId, adapter, findings, actions, request.onProgress);
      const stored: StoredFinding[] = findings.map((f, i) => ({
        seq: i + 1,
        category: f.category,
        orderId: f.orderId,
        brokerOrderId: f.brokerOrderId,
        symbol: f.symbol,
        details: f.details,
        actionTaken: taken.get(f) ?? null,
      }));
      await insertFindings(db, accountId, run.id, stored);
      const summary: Record<string, number> = Object.fromEntries(findingCategories.map((c) => [c, 0]));
      summary.matched = matched;
      for (const f of findings) summary[f.category] = (summary[f.category] ?? 0) + 1;
      summary.deferred = deferred;
      summary.repaired = taken.size;
      const finished = { ...run, status: 'completed' as const, summary, finishedAt: this.now().toISOString() };
      const unresolved = findings.filter((f) => !taken.has(f));
      const halting: Record<string, number> = {};
      for (const f of unresolved) if (isHalting(f.category)) halting[f.category] = (halting[f.category] ?? 0) + 1;
      await db.transaction(async (tx) => {
        // The run's alerts are queued in the transaction that finishes it and sets its halt: a run
        // that does not complete alerts nothing, and one that does cannot lose its alerts.
        const { previous, haltBefore } = await selectRunAlertInputs(tx, accountId);
        await finishRun(tx, finished);
        await setAccountHalt(tx, accountId, run.id, halting, finished.finishedAt);
        await upsertWatermark(tx, accountId, nextWatermark(since, run.startedAt, this.quietPeriodMs, unresolved, venueCreatedAt), run.id, finished.finishedAt);
        const raised = runAlerts({ runId: run.id, startedBy: run.startedBy, dryRun: run.dryRun, findings: stored, categories: findingCategories, failClosed: account.failClosed, haltBefore, haltAfter: halting, previous });
        await queueAlerts(tx, accountId, raised.alerts, finished.finishedAt);
        await upsertRunAlertState(tx, accountId, run.id, raised.state, finished.finishedAt);
      });
      return { ...finished, findings: stored.slice(0, findingsReturnedMax) };
    } catch (error) {
      await finishRun(db, { ...run, status: 'failed', error: error instanceof Error ? error.message : String(error), finishedAt: this.now().toISOString() });
      throw error;
    }
  }

  /**
   * Reads both sides and classifies every difference (nothing is changed here): the ledger's working
   * orders against the venue's open orders, and everything the venue did since `since` (its order
   * history and its fills) against the ledger's orders in any status.
   */
  private async findings(accountId: string, adapter: VenueAdapter, since: string, onProgress: ReconcileRequest['onProgress']) {
    const db = this.ledger.db;
    // The venue's history is read beside the two open lists; what of it the open list holds is set
    // aside after the pairing. A failed read waits for the other reads to stop before it is thrown.
    const history = readVenueHistory(adapter, since, onProgress);
    // Handled now, so that a history that fails while the open lists are still read is not an
    // unhandled rejection; it is still thrown where it is awaited.
    history.catch(() => {});
    // The pairs decided as the venue's pages arrive are those that agree at this clock and any later
    // one (`OrderJudge.agrees`); the rest are judged once both sides are read, at the clock then, so
    // that an order stamped during the reads is not taken for one changed in the future.
    const judging = { quietPeriodMs: this.quietPeriodMs, stuckAfterMs: this.stuckAfterMs };
    const early = new OrderJudge({ now: this.now().toISOString(), ...judging });
    const { ledgerWorking, venueOpen, pairs } = await readAndPair(db, accountId, adapter, early, onProgress).catch(async (error: unknown) => {
      await history.catch(() => {});
      throw error;
    });
    const needed = lookupsNeeded(ledgerWorking, venueOpen, pairs);
    const recent = await this.venueActivity(accountId, adapter, await history, needed.pairs, onProgress);

    // Before declaring an order gone, the venue is asked for that order (unless its history just said):
    // by its broker order id, then, where that finds nothing, by its client order id.
    const progress = (done: number, total: number) => onProgress?.('venue lookups', done, total);
    const brokerIds = needed.ledgerOrders.flatMap((o) => (o.brokerOrderId === null || recent.has(o.brokerOrderId) ? [] : [o.brokerOrderId]));
    const byBrokerId = await lookUpAtVenue(adapter, 'venue_order_id', brokerIds, progress);
    const seen = (order: LedgerOrderView) => (order.brokerOrderId === null ? undefined : (recent.get(order.brokerOrderId) ?? byBrokerId.get(order.brokerOrderId)));
    const clientIds = needed.ledgerOrders.flatMap((o) => (seen(o) === undefined ? [o.clientOrderId] : []));
    const byClientId = await lookUpAtVenue(adapter, 'client_order_id', clientIds, progress);
    const venueLookups = new Map<string, VenueOrderReport | null>();
    for (const order of needed.ledgerOrders) venueLookups.set(order.id, seen(order) ?? byClientId.get(order.clientOrderId) ?? null);

    // The ledger's order (any status) for each venue order it does not hold as working.
    const closed = [...recent.values()];
    const unmatched = [...needed.venueOrders, ...closed];
    const known = await selectOrdersByVenueKeys(
      db,
      accountId,
      unmatched.map((v) => v.venueOrderId),
      unmatched.flatMap((v) => (v.clientOrderId === null ? [] : [v.clientOrderId])),
    );
    const ledgerOrderOf = ledgerIndex(known);
    const ledgerLookups = new Map<string, LedgerOrderView | null>();
    for (const v of needed.venueOrders) ledgerLookups.set(v.venueOrderId, ledgerOrderOf(v));

    const orders = reconcileOrders({
      ledgerWorking,
      venueOpen,
      venueLookups,
      ledgerLookups,
      accountId,
      now: this.now().toISOString(),
      ...judging,
      pairs: needed.pairs,
    });
    const closedOrders: ClosedVenueOrder[] = closed.map((venue) => ({ venue, ledger: ledgerOrderOf(venue) }));
    const closedFindings = reconcileClosedOrders(accountId, closedOrders, this.now().toISOString(), this.quietPeriodMs);
    // A venue that reports no positions (spot exchanges) cannot be compared on holdings.
    const holdings = adapter.capabilities.positions ? reconcileHoldings(await selectNetBySymbol(db, accountId), await adapter.listPositions()) : [];
    const unprotected = findUnprotected(await selectPositionProtection(db, accountId));
    await this.sync.settled(accountId);
    const unparsed = await unparsedItemFindings(db, accountId, this.now());
    return {
      findings: [...orders.findings, ...closedFindings.findings, ...holdings, ...unprotected, ...unparsed],
      matched: orders.matched + closedFindings.matched,
      deferred: orders.deferred + closedFindings.deferred,
      venueCreatedAt: new Map(closed.map((v) => [v.venueOrderId, v.createdAt])),
    };
  }

  /**
   * What the venue did since `since`, beyond its open orders (`history`, read beside them): every
   * order it created or changed (from its order history, where it has one), and the order behind
   * every fill the ledger lacks (asked for one by one). Returns the orders not open at the venue, by
   * venue order id.
   */
  private async venueActivity(accountId: string, adapter: VenueAdapter, history: VenueHistory, pairs: WorkingPairs, onProgress: ReconcileRequest['onProgress']): Promise<Map<string, VenueOrderReport>> {
    const open = pairs.listedOpen([...history.closed.keys(), ...history.fillOrders.keys()]);
    const closed = new Map<string, VenueOrderReport>();
    for (const [venueOrderId, order] of history.closed) if (!open.has(venueOrderId)) closed.set(venueOrderId, order);
    const fillOrders = [...history.fillOrders].filter(([venueOrderId]) => !open.has(venueOrderId));
    if (fillOrders.length === 0) return closed;
    const knownExecIds = await selectKnownExecIds(this.ledger.db, accountId, fillOrders.flatMap(([, execIds]) => execIds));
    const lacking = fillOrders.filter(([, execIds]) => execIds.some((id) => !knownExecIds.has(id))).map(([venueOrderId]) => venueOrderId);
    // Kept in the order of the ids, not of the answers: the findings come out in that order.
    const reports = await lookUpAtVenue(adapter, 'venue_order_id', lacking.sort(), (done, total) => onProgress?.('venue lookups', done, total));
    for (const venueOrderId of lacking) {
      const report = reports.get(venueOrderId);
      if (report !== undefined && !isWorking(report.status)) closed.set(venueOrderId, report);
    }
    return closed;
  }

  /** Applies the repairs of the named actions; returns what was done per finding. */
  private async repair(accountId: string, adapter: VenueAdapter, findings: readonly Finding[], actions: readonly ReconciliationAction[], onProgress: ReconcileRequest['onProgress']) {
    const taken = new Map<Finding, string>();
    const chosen = findings.flatMap((f) => {
      const repair = f.repairs.find((r) => actions.includes(r.action));
      return repair === undefined ? [] : [{ finding: f, repair }];
    });
    if (chosen.length === 0) return taken;
    const fills = await this.venueFillsFor(adapter, chosen.map((c) => c.repair));
    let done = 0;
    for (const { finding, repair } of chosen) {
      taken.set(finding, await this.apply(accountId, adapter, finding, repair, fills));
      onProgress?.('repairs', ++done, chosen.length);
    }
    // A holding mismatch has no repair of its own; the repairs above (imported fills, adopted orders) may explain it.
    const holdings = findings.filter((f) => f.category === 'holding_mismatch');
    if (holdings.length > 0 && adapter.capabilities.positions) {
      const still = new Set(reconcileHoldings(await selectNetBySymbol(this.ledger.db, accountId), await adapter.listPositions()).map((f) => f.symbol));
      for (const f of holdings) if (!still.has(f.symbol)) taken.set(f, 'resolved by the repairs of this run');
    }
    return taken;
  }

  /** One pass over the venue's fills since the oldest order being repaired, kept for those orders only. */
  private async venueFillsFor(adapter: VenueAdapter, repairs: readonly Repair[]): Promise<Map<string, VenueFillReport[]>> {
    const orders = repairs.flatMap((r) => ('venueOrder' in r ? [r.venueOrder] : []));
    const byOrder = new Map<string, VenueFillReport[]>(orders.map((o) => [o.venueOrderId, []]));
    if (orders.length === 0) return byOrder;
    const since = orders.reduce((min, o) => (o.createdAt < min ? o.createdAt : min), orders[0]!.createdAt);
    await readPages((cursor) => adapter.listFills(since, cursor), (page) => {
      for (const fill of page.fills) byOrder.get(fill.venueOrderId)?.push(fill);
    });
    return byOrder;
  }

  private async apply(accountId: string, adapter: VenueAdapter, finding: Finding, repair: Repair, fills: Map<string, VenueFillReport[]>): Promise<string> {
    switch (repair.kind) {
      case 'close_not_found':
        await this.ledger.applyEvent({ orderId: finding.orderId!, accountId }, { type: repair.event, reason: repair.reason, source: 'reconciliation' });
        return `${repair.event}: ${repair.reason}`;
      case 'apply_venue_state': {
        await this.sync.applyOrderReport(accountId, repair.venueOrder, 'reconciliation');
        const now = await this.ledger.getOrder({ orderId: finding.orderId!, accountId });
        if (now.status === 'pending_cancel' && isWorking(repair.venueOrder.status)) {
          // The cancel never took effect: past the quiet period the venue's word is final.
          await this.ledger.applyEvent({ orderId: now.id, accountId }, { type: 'cancel_rejected', reason: 'the venue still works the order', source: 'reconciliation' });
        }
        const imported = await this.importFills(accountId, finding.orderId!, repair.venueOrder, fills);
        return `applied the venue's state (${repair.venueOrder.status})${imported}`;
      }
      case 'import_fills':
        return `imported${(await this.importFills(accountId, finding.orderId!, repair.venueOrder, fills)) || ' nothing'}`;
      case 'orphan': {
        // Both repairs adopt it: the ledger records the order it cancels too, so that every order
        // the venue held is in the ledger once, and the cancel is in its audit trail.
        const { order } = await this.ledger.adoptOrder(accountId, repair.venueOrder, repair.adoptedOrderId);
        await this.sync.applyOrderReport(accountId, repair.venueOrder, 'reconciliation');
        const imported = await this.importFills(accountId, order.id, repair.venueOrder, fills);
        if (repair.action === 'adopt_orphaned') return `adopted as order ${order.id}${imported}`;
        await this.sync.applyOrderReport(accountId, await adapter.cancelOrder(repair.venueOrder.venueOrderId), 'reconciliation');
        return `adopted as order ${order.id} and canceled at the venue`;
      }
      case 'cancel_at_venue':
        await adapter.cancelOrder(repair.venueOrder.venueOrderId);
        return 'canceled at the venue';
    }
  }

  private async importFills(accountId: string, orderId: string, venueOrder: VenueOrderReport, fills: Map<string, VenueFillReport[]>): Promise<string> {
    // The venue order names its id: an order that never learned it learns it here, as from a stream report.
    const order = await this.sync.learnBrokerOrderId(await this.ledger.getOrder({ orderId, accountId }), venueOrder.venueOrderId, 'reconciliation');
    const plan = planFillImport(order.qtyFilled, order.filledNotional, await selectOrderFillKeys(this.ledger.db, accountId, orderId), venueOrder, fills.get(venueOrder.venueOrderId) ?? []);
    // Batches of `fillBatchMax`, so one statement per thousand of the order's missing fills, the inferred
    // fill (what they leave unexplained) last; a quarantined venue fill is kept, not applied.
    const order_ = { orderId, accountId };
    const inputs: RecordFillInput[] = [
      ...plan.missing.map((fill) => fillInputOf(fill, order_, 'reconciliation')),
      ...(plan.inferred === null ? [] : [{ order: order_, execId: plan.inferred.execId, quantity: plan.inferred.quantity.toFixed(), price: plan.inferred.price.toFixed(), source: 'reconciliation' as const }]),
    ];
    const results: FillResult[] = [];
    for (let i = 0; i < inputs.length; i += fillBatchMax) results.push(...(await this.ledger.recordFills(inputs.slice(i, i + fillBatchMax))));
    // As before: a venue fill refused outright fails the action, and so does an inferred fill not recorded.
    for (const [i, r] of results.entries()) if ('error' in r && (r.quarantine === null || i === plan.missing.length)) throw r.error;
    const parts = [plan.missing.length > 0 ? `${plan.missing.length} fill(s)` : '', plan.inferred !== null ? `an inferred fill of ${plan.inferred.quantity.toFixed()} (${plan.inferred.priceSource})` : ''].filter(Boolean);
    return parts.length === 0 ? '' : `; imported ${parts.join(' and ')}`;
  }

  async getRun(runId: string, accountId?: string): Promise<ReconciliationRun> {
    const owner = accountId ?? (await selectRunAccount(this.ledger.db, runId));
    const run = owner === undefined ? undefined : await selectRun(this.ledger.db, owner, runId);
    if (run === undefined) throw new FillbookError('FILLBOOK_ERR_NOT_FOUND', `reconciliation ${runId} does not exist (or is not yours)`, { id: runId });
    return { ...run, findings: await selectFindings(this.ledger.db, run.accountId, run.id, findingsReturnedMax) };
  }

  async listRuns(accountId: string, limit = 50): Promise<RunRecord[]> {
    return selectRuns(this.ledger.db, accountId, limit);
  }
}

/** Indexes ledger orders to find the one for a venue order, by the rule of `ledgerOrderFor`. */
function ledgerIndex(orders: readonly LedgerOrderView[]): (venue: VenueOrderReport) => LedgerOrderView | null {
  const byBrokerId = new Map(orders.flatMap((o) => (o.brokerOrderId === null ? [] : [[o.brokerOrderId, o] as const])));
  const byClientId = new Map(orders.map((o) => [o.clientOrderId, o]));
  return (venue) => ledgerOrderFor(venue, (id) => byBrokerId.get(id), (id) => byClientId.get(id)) ?? null;
}

/**
 * Where the next run starts reading the venue: this run's start, less the quiet period (items left
 * for the next run) and an overlap, but never past a venue order behind a finding this run left
 * unresolved, so a dry run's finding is found again until it is repaired.
 */
export function nextWatermark(since: string, startedAt: string, quietPeriodMs: number, unresolved: readonly Finding[], venueCreatedAt: ReadonlyMap<string, string>): string {
  let next = Date.parse(startedAt) - quietPeriodMs - watermarkOverlapMs;
  for (const f of unresolved) {
    const created = f.brokerOrderId === null ? undefined : venueCreatedAt.get(f.brokerOrderId);
    if (created !== undefined) next = Math.min(next, Date.parse(created));
    for (const r of f.repairs) if ('venueOrder' in r) next = Math.min(next, Date.parse(r.venueOrder.createdAt));
  }
  return new Date(Math.max(next, Date.parse(since))).toISOString();
}

/**
 * The venue's reports of orders by venue order id or client order id (`by`), keyed by the id asked:
 * `venueOrderLookupBatchMax` ids a call where the adapter reads many at once (`getOrders`; a report
 * is taken for the id it carries, so a stray answer is no one's), else one order a call; either way
 * `venueLookupsInFlightMax` calls in flight. `progress` counts ids.
 */
async function lookUpAtVenue(adapter: VenueAdapter, by: 'venue_order_id' | 'client_order_id', ids: readonly string[], progress: (done: number, total: number) => void): Promise<Map<string, VenueOrderReport>> {
  const found = new Map<string, VenueOrderReport>();
  if (ids.length === 0) return found;
  const getOrders = adapter.getOrders?.bind(adapter);
  if (getOrders === undefined) {
    await inFlight(ids, venueLookupsInFlightMax, async (id) => {
      const report = by === 'venue_order_id' ? await adapter.getOrder(id) : await adapter.getOrderByClientId(id);
      if (report !== undefined) found.set(id, report);
    }, (done) => progress(done, ids.length));
    return found;
  }
  const batches: string[][] = [];
  for (let at = 0; at < ids.length; at += venueOrderLookupBatchMax) batches.push(ids.slice(at, at + venueOrderLookupBatchMax));
  let done = 0;
  await inFlight(batches, venueLookupsInFlightMax, async (batch) => {
    const asked = new Set(batch);
    for (const report of await getOrders(by, batch)) {
      const id = by === 'venue_order_id' ? report.venueOrderId : report.clientOrderId;
      if (id !== null && asked.has(id) && !found.has(id)) found.set(id, report);
    }
    done += batch.length;
  }, () => progress(done, ids.length));
  return found;
}

/**
 * Works through the items with up to `size` of them in flight at any time (a slow one holds up only
 * its own slot, where batches of `size` waited for their slowest); `progress` every `size` done and at the end.
 */
async function inFlight<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>, progress: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const slot = async () => {
    while (next < items.length) {
      await work(items[next++]!);
      done++;
      if (done % size === 0 || done === items.length) progress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, slot));
}

/** The venue's history since a time: its closed orders by venue order id, and the exec ids of the fills of every other order. */
interface VenueHistory {
  closed: Map<string, VenueOrderReport>;
  fillOrders: Map<string, string[]>;
}

/**
 * Reads the venue's order history (closed orders only: the open ones are the open list's; asked of
 * the venue too, which sends less where it can filter so, and checked here where it cannot), then
 * its fills, keeping of each fill of an order the history did not show closed its exec id only.
 * Orders the open list holds are set aside later (`venueActivity`), once that list is read.
 */
async function readVenueHistory(adapter: VenueAdapter, since: string, onProgress: ReconcileRequest['onProgress']): Promise<VenueHistory> {
  const closed = new Map<string, VenueOrderReport>();
  const fillOrders = new Map<string, string[]>();
  if (adapter.capabilities.ordersSince && adapter.listOrders !== undefined) {
    await readPages((cursor) => adapter.listOrders!(since, cursor, { closedOnly: true }), (page) => {
      for (const order of page.orders) if (!isWorking(order.status)) closed.set(order.venueOrderId, order);
      onProgress?.('venue history', closed.size, closed.size);
    });
  }
  if (!adapter.capabilities.fillsSince) return { closed, fillOrders };
  await readPages((cursor) => adapter.listFills(since, cursor), (page) => {
    for (const fill of page.fills) {
      if (closed.has(fill.venueOrderId)) continue;
      const ids = fillOrders.get(fill.venueOrderId) ?? [];
      ids.push(fill.execId);
      fillOrders.set(fill.venueOrderId, ids);
    }
  });
  return { closed, fillOrders };
}

/**
 * Reads both sides at once: the ledger's working orders and the venue's open orders (the database
 * reads one while Node decodes the other), and pairs them as they arrive. The ledger's orders are
 * indexed page by page; a venue that lists its open orders in pages passes them on as it reads, and
 * each page is paired as soon as the ledger's orders read so far reach past where its pairs are
 * expected (both sides usually list in the order the orders were placed), else once the ledger is
 * read. A pair that agrees is decided there by `judge` and its venue report dropped, so that only the
 * orders that differ are held until the classification. The orders the venue resolves with (all of
 * them, for an adapter that reads at once) are paired last.
 */
async function readAndPair(db: Database, accountId: string, adapter: VenueAdapter, judge: OrderJudge, onProgress: ReconcileRequest['onProgress']) {
  const index = new LedgerBrokerIndex();
  const waiting: (readonly VenueOrderReport[])[] = [];
  let pairing: WorkingPairing | undefined;
  // Made on the ledger's first page (or at its end, when it has none), once its orders' reader exists.
  const pairingFor = (working: LedgerWorkingOrders) => (pairing ??= new WorkingPairing(working, index, { ledgerRead: false, agrees: judge.agrees }));
  const pairWaiting = () => {
    while (pairing !== undefined && waiting.length > 0 && pairing.ready(waiting[0]!.length)) pairing.add(waiting.shift()!);
  };
  let venueCount = 0;
  const [ledgerWorking] = await Promise.all([
    readWorkingOrders(db, accountId, ledgerPageSize, (read, working) => {
      index.add(working, read);
      pairingFor(working);
      pairWaiting();
      onProgress?.('ledger orders', read, read);
    }).then((working) => {
      pairingFor(working).ledgerRead();
      pairWaiting();
      return working;
    }),
    adapter
      .listOpenOrders({
        onPage: (orders) => {
          venueCount += orders.length;
          waiting.push(orders);
          pairWaiting();
        },
      })
      .then((rest) => {
        venueCount += rest.length;
        waiting.push(rest);
        pairWaiting();
        onProgress?.('venue orders', venueCount, venueCount);
      }),
  ]);
  // Both reads are done, so the ledger is read: whatever still waits is paired now.
  pairWaiting();
  const paired = pairing!;
  return { ledgerWorking, venueOpen: paired.venueOpen, pairs: paired.finish() };
}
