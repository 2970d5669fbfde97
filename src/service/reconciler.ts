import {
  FillbookError,
  type Finding,
  isWorking,
  findingCategories,
  findUnprotected,
  type LedgerOrderView,
  lookupsNeeded,
  planFillImport,
  type ReconciliationAction,
  reconcileHoldings,
  reconcileOrders,
  reconcileClosedOrphans,
  type VenueOpenIndex,
  type Repair,
  type VenueFillReport,
  type VenueOrderReport,
} from '../domain/index.js';
import type { Ledger } from '../ledger/index.js';
import {
  finishRun,
  insertFindings,
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
  type StoredFinding,
} from '../storage/index.js';
import type { VenueAdapter } from '../venues/index.js';
import type { VenueSync } from './venue-sync.js';
import type { Venues } from './venues.js';

/** Orders changed this recently are left for the next run. */
export const quietPeriodMsDefault = 5_000;
import { stuckAfterMsDefault } from './order-router.js';
/** Ledger orders read per page; venue lookups made at once. */
export const ledgerPageSize = 10_000;
export const venueLookupsInFlightMax = 8;
export const findingsReturnedMax = 10_000;
/** How far back the venue's fills are read to find orders closed there that the ledger never knew. */
export const fillLookbackMsDefault = 24 * 3_600_000;

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
    const adapter = await this.venues.forAccount(account.id);
    const result = await this.ledger.db.withAdvisoryLock(`fillbook:reconcile:${account.id}`, () => this.runLocked(account.id, adapter, request));
    if (result === undefined) {
      throw new FillbookError('FILLBOOK_ERR_RECONCILIATION_RUNNING', `a reconciliation of account ${account.id} is already running; try again when it ends`, { account_id: account.id });
    }
    return result;
  }

  private async runLocked(accountId: string, adapter: VenueAdapter, request: ReconcileRequest): Promise<ReconciliationRun> {
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
      const { findings, matched, deferred } = await this.findings(accountId, adapter, request.onProgress);
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
      await finishRun(db, finished);
      return { ...finished, findings: stored.slice(0, findingsReturnedMax) };
    } catch (error) {
      await finishRun(db, { ...run, status: 'failed', error: error instanceof Error ? error.message : String(error), finishedAt: this.now().toISOString() });
      throw error;
    }
  }

  /** Reads both sides and classifies every difference (nothing is changed here). */
  private async findings(accountId: string, adapter: VenueAdapter, onProgress: ReconcileRequest['onProgress']) {
    const db = this.ledger.db;
    const ledgerWorking: LedgerOrderView[] = [];
    await readWorkingOrders(db, accountId, ledgerPageSize, (page) => {
      for (const o of page) ledgerWorking.push(o);
      onProgress?.('ledger orders', ledgerWorking.length, ledgerWorking.length);
    });
    const venueOpen = await adapter.listOpenOrders();
    onProgress?.('venue orders', venueOpen.length, venueOpen.length);
    const needed = lookupsNeeded(ledgerWorking, venueOpen);

    // Before declaring an order gone, the venue is asked for that single order.
    const venueLookups = new Map<string, VenueOrderReport | null>();
    await inBatches(needed.ledgerOrders, venueLookupsInFlightMax, async (order) => {
      const found = (order.brokerOrderId !== null ? await adapter.getOrder(order.brokerOrderId) : undefined) ?? (await adapter.getOrderByClientId(order.clientOrderId));
      venueLookups.set(order.id, found ?? null);
    }, (done) => onProgress?.('venue lookups', done, needed.ledgerOrders.length));

    const ledgerLookups = new Map<string, LedgerOrderView | null>();
    const known = await selectOrdersByVenueKeys(
      db,
      accountId,
      needed.venueOrders.map((v) => v.venueOrderId),
      needed.venueOrders.flatMap((v) => (v.clientOrderId === null ? [] : [v.clientOrderId])),
    );
    const knownByBrokerId = new Map(known.flatMap((o) => (o.brokerOrderId === null ? [] : [[o.brokerOrderId, o] as const])));
    const knownByClientId = new Map(known.map((o) => [o.clientOrderId, o]));
    for (const v of needed.venueOrders) {
      ledgerLookups.set(v.venueOrderId, knownByBrokerId.get(v.venueOrderId) ?? (v.clientOrderId === null ? undefined : knownByClientId.get(v.clientOrderId)) ?? null);
    }

    const orders = reconcileOrders({
      ledgerWorking,
      venueOpen,
      venueLookups,
      ledgerLookups,
      accountId,
      now: this.now().toISOString(),
      quietPeriodMs: this.quietPeriodMs,
      stuckAfterMs: this.stuckAfterMs,
      index: needed.index,
    });
    const closedOrphans = reconcileClosedOrphans(accountId, await this.closedOrdersUnknownToLedger(accountId, adapter, needed.index), this.now().toISOString(), this.quietPeriodMs);
    // A venue that reports no positions (spot exchanges) cannot be compared on holdings.
    const holdings = adapter.capabilities.positions ? reconcileHoldings(await selectNetBySymbol(db, accountId), await adapter.listPositions()) : [];
    const unprotected = findUnprotected(await selectPositionProtection(db, accountId));
    return {
      findings: [...orders.findings, ...closedOrphans.findings, ...holdings, ...unprotected],
      matched: orders.matched,
      deferred: orders.deferred + closedOrphans.deferred,
    };
  }

  /**
   * Orders behind the venue's recent fills (within `fillLookbackMs`) that are neither open at the
   * venue nor known to the ledger: filled and closed at the venue without the ledger hearing of it.
   */
  private async closedOrdersUnknownToLedger(accountId: string, adapter: VenueAdapter, openIndex: VenueOpenIndex): Promise<VenueOrderReport[]> {
    if (!adapter.capabilities.fillsSince) return [];
    const since = new Date(this.now().getTime() - this.fillLookbackMs).toISOString();
    const candidates = new Map<string, string | null>();
    let cursor: string | null = null;
    do {
      const page = await adapter.listFills(since, cursor);
      for (const fill of page.fills) if (!openIndex.byVenueId.has(fill.venueOrderId)) candidates.set(fill.venueOrderId, fill.clientOrderId);
      cursor = page.cursor;
    } while (cursor !== null);
    if (candidates.size === 0) return [];
    const known = await selectOrdersByVenueKeys(this.ledger.db, accountId, [...candidates.keys()], [...candidates.values()].filter((c): c is string => c !== null));
    const knownBroker = new Set(known.flatMap((o) => (o.brokerOrderId === null ? [] : [o.brokerOrderId])));
    const knownClient = new Set(known.map((o) => o.clientOrderId));
    const unknown = [...candidates].filter(([venueId, clientId]) => !knownBroker.has(venueId) && !(clientId !== null && knownClient.has(clientId)));
    const reports: VenueOrderReport[] = [];
    await inBatches(unknown, venueLookupsInFlightMax, async ([venueId]) => {
      const report = await adapter.getOrder(venueId);
      if (report !== undefined && !isWorking(report.status)) reports.push(report);
    }, () => {});
    return reports.sort((a, b) => (a.venueOrderId < b.venueOrderId ? -1 : 1));
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
    let cursor: string | null = null;
    do {
      const page = await adapter.listFills(since, cursor);
      for (const fill of page.fills) byOrder.get(fill.venueOrderId)?.push(fill);
      cursor = page.cursor;
    } while (cursor !== null);
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
      case 'orphan':
        if (repair.action === 'cancel_orphaned') {
          await adapter.cancelOrder(repair.venueOrder.venueOrderId);
          return 'canceled at the venue';
        } else {
          const { order } = await this.ledger.adoptOrder(accountId, repair.venueOrder, repair.adoptedOrderId);
          await this.sync.applyOrderReport(accountId, repair.venueOrder, 'reconciliation');
          const imported = await this.importFills(accountId, order.id, repair.venueOrder, fills);
          return `adopted as order ${order.id}${imported}`;
        }
      case 'cancel_at_venue':
        await adapter.cancelOrder(repair.venueOrder.venueOrderId);
        return 'canceled at the venue';
    }
  }

  private async importFills(accountId: string, orderId: string, venueOrder: VenueOrderReport, fills: Map<string, VenueFillReport[]>): Promise<string> {
    const order = await this.ledger.getOrder({ orderId, accountId });
    const plan = planFillImport(order.qtyFilled, order.filledNotional, await selectOrderFillKeys(this.ledger.db, accountId, orderId), venueOrder, fills.get(venueOrder.venueOrderId) ?? []);
    for (const fill of plan.missing) await this.sync.applyFill(accountId, fill, 'reconciliation');
    if (plan.inferred !== null) {
      await this.ledger.recordFill({
        order: { orderId, accountId },
        execId: plan.inferred.execId,
        quantity: plan.inferred.quantity.toFixed(),
        price: plan.inferred.price.toFixed(),
        source: 'reconciliation',
      });
    }
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

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>, progress: (done: number) => void): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(work));
    progress(Math.min(items.length, i + size));
  }
}
