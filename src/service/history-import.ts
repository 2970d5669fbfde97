import {
  type AssetClass,
  FillbookError,
  invalid,
  type VenueFillReport,
  type VenueOrderReport,
  zero,
} from '../domain/index.js';
import type { Account, Ledger } from '../ledger/index.js';
import {
  analyzeImportedTables,
  emptyImportCounts,
  type ImportRecord,
  insertImport,
  type OpeningBalance,
  replaceOpeningBalances,
  selectImport,
  selectImportAccount,
  selectImports,
  selectFillAssetClasses,
  selectNetBySymbol,
  selectOpeningBalances,
  selectUnfinishedImport,
  selectWatermark,
  updateImport,
  upsertWatermark,
} from '../storage/index.js';
import type { VenueAdapter } from '../venues/index.js';
import { watermarkOverlapMs } from './reconciler.js';
import { venuePagesMax } from './venue-pages.js';
import type { SyncOutcome, VenueSync } from './venue-sync.js';
import type { Venues } from './venues.js';

/**
 * Venue lookups (the order behind a fill, for a venue that cannot list its orders) made at once:
 * half of reconciliation's, since an import reads far more and the bot's own traffic shares the
 * venue's rate limit.
 */
export const importLookupsInFlightMax = 4;
/**
 * Pages written at once while the next is read and decided. With one, this process and the database
 * took turns: a page's statements keep one server backend busy while this process decides the next,
 * and a 2-core machine sat a fifth idle. Two pages of fills rarely share an order; when they do, the
 * later one's compare-and-set finds the order moved and reads it again.
 */
export const importPagesInFlight = 2;
/** The earliest `since` accepted: no venue keeps orders from before it, and year 0 is a typo. */
export const importSinceMin = '2000-01-01T00:00:00.000Z';
/**
 * The planner's statistics are refreshed (see `analyzeImportedTables`) once the import has written
 * this many orders and fills, and again each time it has written `importAnalyzeGrowth` times as many
 * as at the last refresh: a few times per import, while the tables are still growing fast.
 */
export const importAnalyzeFirstRows = 2_000;
export const importAnalyzeGrowth = 4;
/** Imports listed per account. */
export const importsListedMax = 100;

export interface ImportRequest {
  accountId: string;
  /** ISO 8601; every venue order created or changed, and every fill, since then is brought in. */
  since: string;
  /** Who started it: `user:<name>`, `cli`. */
  startedBy: string;
}

export interface ImportOptions {
  /**
   * Wait this long between two venue pages. Absent: derived from the account's
   * `venue_config.requestsPerMinute` where the adapter has one (one page per request slot, so the
   * import never takes the burst the bot's own requests need); none for the others (the paper venue;
   * ccxt throttles every request itself).
   */
  pagePauseMs?: number;
  /** Aborting stops the import after the page in hand is committed (Ctrl-C); it is `interrupted`. */
  signal?: AbortSignal;
  /** Told after every committed page and phase change. */
  onProgress?: (job: ImportRecord) => void;
  /** Test hook: called after each committed page (the crash test kills the process here). */
  afterPage?: (job: ImportRecord) => void | Promise<void>;
}

export interface StartedImport {
  job: ImportRecord;
  /** Resolves with the finished job (completed or interrupted); rejects when it failed (the job says why). */
  done: Promise<ImportRecord>;
}

/**
 * Imports an account's history from its venue: the venue's orders (listed since `since`, or for a
 * venue that cannot list them, the orders behind its fills), its fills and its positions. What the
 * ledger lacks is adopted (origin `import`) under the ids reconciliation derives, so neither a
 * second import nor a later reconciliation duplicates it; fills are recorded once by exec id. The
 * job is committed a page at a time, so an import killed mid-way continues from its last page (a
 * page redone after a crash changes nothing it already changed). The holdings at the start of the
 * window become opening balances.
 *
 * An import holds the account's reconciliation lock while it runs: a reconciliation meanwhile would
 * infer fills for quantity the import is about to bring in with its real exec ids.
 */
export class HistoryImport {
  /** Accounts importing in this process (PGlite has one process, and no advisory locks). */
  private readonly running = new Set<string>();

  constructor(
    private readonly ledger: Ledger,
    private readonly venues: Venues,
    private readonly sync: VenueSync,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Starts (or resumes) an import and returns once its job is recorded; `done` settles when it ends.
   * An unfinished import of the same account and `since` is resumed; `resumeId` names one.
   */
  async start(request: ImportRequest & { resumeId?: string }, options: ImportOptions = {}): Promise<StartedImport> {
    const account = await this.ledger.getAccount(request.accountId);
    const since = request.resumeId === undefined ? this.checkSince(request.since) : undefined;
    const adapter = await this.venues.forAccount(account.id);
    if (this.running.has(account.id)) throw importRunning(account.id);
    this.running.add(account.id);
    let signalStarted!: (job: ImportRecord | undefined) => void;
    let failStart!: (error: unknown) => void;
    const started = new Promise<ImportRecord | undefined>((resolve, reject) => {
      signalStarted = resolve;
      failStart = reject;
    });
    // The reconciler's lock name: one of the two runs on an account at a time, across instances.
    const done = this.ledger.db
      .withAdvisoryLock(`fillbook:reconcile:${account.id}`, async () => {
        let job: ImportRecord;
        try {
          job = await this.prepare(account, since, request);
        } catch (error) {
          failStart(error);
          throw error;
        }
        signalStarted(job);
        return this.run(account, adapter, job, options);
      })
      .finally(() => this.running.delete(account.id));
    done.then((job) => {
      if (job === undefined) signalStarted(undefined);
    }, () => {});
    const job = await started;
    if (job === undefined) throw importRunning(account.id);
    return { job, done: done.then((j) => j!) };
  }

  async get(importId: string, accountId?: string): Promise<ImportRecord> {
    const owner = accountId ?? (await selectImportAccount(this.ledger.db, importId));
    const job = owner === undefined ? undefined : await selectImport(this.ledger.db, owner, importId);
    if (job === undefined) throw new FillbookError('FILLBOOK_ERR_NOT_FOUND', `import ${importId} does not exist (or is not yours)`, { id: importId });
    return job;
  }

  async list(accountId: string): Promise<ImportRecord[]> {
    return selectImports(this.ledger.db, accountId, importsListedMax);
  }

  async openingBalances(accountId: string): Promise<OpeningBalance[]> {
    return selectOpeningBalances(this.ledger.db, accountId);
  }

  /** A `since` an import can use: a real instant, not before `importSinceMin`, not in the future. */
  private checkSince(since: string): string {
    const at = typeof since === 'string' && /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(since) ? Date.parse(since) : Number.NaN;
    if (Number.isNaN(at)) throw invalid('since', `must be a date or an ISO 8601 time such as 2026-11-01 or 2026-11-01T00:00:00Z; got ${JSON.stringify(since)}`);
    if (at < Date.parse(importSinceMin)) throw invalid('since', `must be on or after ${importSinceMin.slice(0, 10)}; got ${since}`);
    if (at > this.now().getTime()) throw invalid('since', `is in the future (${new Date(at).toISOString()}); an import reads what the venue already did`);
    return new Date(at).toISOString();
  }

  private async prepare(account: Account, since: string | undefined, request: ImportRequest & { resumeId?: string }): Promise<ImportRecord> {
    const db = this.ledger.db;
    const at = this.now().toISOString();
    const found = request.resumeId !== undefined ? await this.get(request.resumeId, account.id) : await selectUnfinishedImport(db, account.id, since!);
    if (found !== undefined) {
      if (found.status === 'completed') throw invalid('resume', `import ${found.id} is completed; start a new one with --since`);
      const resumed: ImportRecord = { ...found, status: 'running', updatedAt: at, error: null };
      await updateImport(db, resumed);
      return resumed;
    }
    const job: ImportRecord = {
      id: crypto.randomUUID(),
      accountId: account.id,
      since: since!,
      status: 'running',
      phase: 'orders',
      cursor: null,
      counts: { ...emptyImportCounts },
      startedBy: request.startedBy,
      startedAt: at,
      updatedAt: at,
      finishedAt: null,
      error: null,
    };
    await insertImport(db, job);
    return job;
  }

  private async run(account: Account, adapter: VenueAdapter, start: ImportRecord, options: ImportOptions): Promise<ImportRecord> {
    const db = this.ledger.db;
    let job = start;
    const pauseMs = options.pagePauseMs ?? pagePauseMsFor(account);
    const commit = async (next: ImportRecord) => {
      job = { ...next, updatedAt: this.now().toISOString() };
      await updateImport(db, job);
      options.onProgress?.(job);
    };
    // Pages are written (`importPagesInFlight` at once) while the next is read and decided: this
    // process's work on one overlaps the database's on the others. Pages are committed in order, each
    // once its writes and every earlier page's are done, so a crash leaves the job at a page whose
    // writes, and all before, are in; the pages after it are redone on resume, which changes nothing
    // they already changed. A phase begins once the one before is written (the fills need their orders
    // adopted).
    const inFlight: InFlightPage[] = [];
    let analyzeAt = importAnalyzeFirstRows;
    const settle = async (page: InFlightPage) => {
      await page.done;
      const counts = addCounts(job.counts, page.delta);
      await commit({ ...page.next, counts });
      const written = counts.adopted + counts.imported;
      if (written >= analyzeAt) {
        await analyzeImportedTables(db);
        analyzeAt = written * importAnalyzeGrowth;
      }
      await options.afterPage?.(job);
    };
    const settleAll = async () => {
      for (let page = inFlight.shift(); page !== undefined; page = inFlight.shift()) await settle(page);
    };
    try {
      options.onProgress?.(job);
      let pages = 0;
      /** The job as of the last page read: its phase and cursor run ahead of `job`'s by the pages in flight. */
      let planned = job;
      while (planned.phase === 'orders' || planned.phase === 'fills') {
        const latest = inFlight.at(-1);
        if (latest !== undefined && latest.phase !== planned.phase) await settleAll();
        if (options.signal?.aborted) {
          await settleAll();
          await commit({ ...job, status: 'interrupted' });
          return job;
        }
        if (++pages > venuePagesMax) throw new Error(`the venue listed more than ${venuePagesMax} pages; the import stops rather than loop without end`);
        if (planned.phase === 'orders' && !(adapter.capabilities.ordersSince && adapter.listOrders !== undefined)) {
          // No order history at this venue: the orders behind the fills are asked for in the fills phase.
          await settleAll();
          await commit({ ...job, phase: 'fills', cursor: null });
          planned = job;
          continue;
        }
        if (pages > 1 && pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
        const delta: ImportRecord['counts'] = { ...zeroCounts, pages: 1 };
        let cursor: string | null;
        let done: Promise<void>;
        if (planned.phase === 'orders') {
          const page = await adapter.listOrders!(planned.since, planned.cursor);
          done = this.importOrders(account.id, page.orders, delta);
          delta.ordersSeen = page.orders.length;
          cursor = page.cursor;
        } else {
          const page = await adapter.listFills(planned.since, planned.cursor);
          done = this.importFills(account.id, adapter, page.fills, delta);
          delta.fillsSeen = page.fills.length;
          cursor = page.cursor;
        }
        // Awaited in order below (or, after a failure, before the job is marked failed).
        done.catch(() => {});
        const next = cursor !== null ? { ...planned, cursor } : { ...planned, phase: planned.phase === 'orders' ? ('fills' as const) : ('positions' as const), cursor: null };
        inFlight.push({ phase: planned.phase, done, next, delta });
        planned = next;
        const oldest = inFlight.length > importPagesInFlight ? inFlight.shift() : undefined;
        if (oldest !== undefined) await settle(oldest);
      }
      await settleAll();
      if (job.phase === 'positions') {
        const written = adapter.capabilities.positions ? await this.writeOpeningBalances(account.id, adapter, job) : 0;
        const finishedAt = this.now().toISOString();
        await db.transaction(async (tx) => {
          // Without a watermark the first reconciliation would read from the account's creation less a
          // day, which may reach before the window, where every order the import left out (by design)
          // would be an orphan. The import has read the venue up to its start, so reconciliation starts
          // there (with the usual overlap), never before the window. A watermark a completed
          // reconciliation left is that run's own account of what it verified: left as it is.
          if ((await selectWatermark(tx, account.id)) === null) {
            const from = Math.max(Date.parse(job.since), Date.parse(job.startedAt) - watermarkOverlapMs);
            await upsertWatermark(tx, account.id, new Date(from).toISOString(), job.id, finishedAt);
          }
          job = { ...job, phase: 'done', status: 'completed', counts: { ...job.counts, openingBalances: written }, finishedAt, updatedAt: finishedAt };
          await updateImport(tx, job);
        });
        options.onProgress?.(job);
      }
      return job;
    } catch (error) {
      // Nothing of the import may still be writing once it says it failed.
      await Promise.all(inFlight.map((page) => page.done.catch(() => {})));
      await commit({ ...job, status: 'failed', error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  /**
   * A page of venue orders: those the ledger lacks adopted, then each brought to the venue's status
   * (fills come in their phase). A page at a time: one read finds the orders the ledger knows, one
   * statement adopts the others, one writes the status events (see `VenueSync.applyOrderReports`).
   */
  private async importOrders(accountId: string, reports: readonly VenueOrderReport[], counts: ImportRecord['counts']): Promise<void> {
    const outcomes = await this.sync.applyOrderReports(accountId, reports, 'import');
    const unknown = reports.filter((_, i) => outcomes[i]!.skipped === 'unknown_order');
    if (unknown.length === 0) return;
    // An order this adopts is brought to the venue's status in the same statement; one already there (another adopter's) after.
    const adopted = await this.ledger.adoptOrders(accountId, unknown, 'import', (report) => this.sync.reportEvents(report, 'import'));
    for (const { created } of adopted) if (created) counts.adopted++;
    const there = unknown.filter((_, i) => !adopted[i]!.created);
    if (there.length > 0) await this.sync.applyOrderReports(accountId, there, 'import');
  }

  /**
   * A page of fills: each recorded once by exec id, through the batched fill path; the orders behind
   * fills the ledger does not know are asked for and adopted first, then their fills recorded.
   */
  private async importFills(accountId: string, adapter: VenueAdapter, fills: readonly VenueFillReport[], counts: ImportRecord['counts']): Promise<void> {
    const count = (outcome: SyncOutcome) => {
      if (outcome.applied) counts.imported++;
      else if (outcome.skipped === 'quarantined') counts.quarantined++;
    };
    const outcomes = await this.sync.applyFills(accountId, fills, 'import');
    outcomes.forEach(count);
    const unknown = fills.filter((_, i) => outcomes[i]!.skipped === 'unknown_order');
    if (unknown.length === 0) return;
    const venueOrderIds = [...new Set(unknown.map((f) => f.venueOrderId))].sort();
    const reports = new Map<string, VenueOrderReport>();
    for (let i = 0; i < venueOrderIds.length; i += importLookupsInFlightMax) {
      await Promise.all(venueOrderIds.slice(i, i + importLookupsInFlightMax).map(async (id) => {
        const report = await adapter.getOrder(id);
        if (report !== undefined) reports.set(id, report);
      }));
    }
    const missing = venueOrderIds.find((id) => !reports.has(id));
    if (missing !== undefined) throw new Error(`the venue lists fills of order ${missing} but does not find the order; import again later`);
    await this.importOrders(accountId, venueOrderIds.map((id) => reports.get(id)!), counts);
    for (const [i, outcome] of (await this.sync.applyFills(accountId, unknown, 'import')).entries()) {
      const fill = unknown[i]!;
      if (outcome.skipped === 'unknown_order') throw new Error(`fill ${fill.execId} of venue order ${fill.venueOrderId} still has no order after adopting it`);
      count(outcome);
    }
  }

  /**
   * The holdings at the start of the window: per symbol, the venue's position now less what the
   * ledger's fills (all of them, imported ones included) explain. With an empty ledger before the
   * window that is the spec's "position now minus the net of the fills since"; with a ledger that
   * already held older fills, those are already counted and must not be counted twice. Replaced
   * as a whole by each import, and idempotent (a resumed import computes the same).
   */
  private async writeOpeningBalances(accountId: string, adapter: VenueAdapter, job: ImportRecord): Promise<number> {
    const positions = await adapter.listPositions();
    return this.ledger.db.transaction(async (tx) => {
      const previous = new Map((await selectOpeningBalances(tx, accountId)).map((b) => [b.symbol, b]));
      // selectNetBySymbol counts opening balances too: the previous ones are taken out again.
      const net = await selectNetBySymbol(tx, accountId);
      const assetClassOf = new Map<string, AssetClass>([...previous.values()].map((b) => [b.symbol, b.assetClass]));
      for (const [symbol, assetClass] of await selectFillAssetClasses(tx, accountId)) if (!assetClassOf.has(symbol)) assetClassOf.set(symbol, assetClass);
      for (const p of positions) assetClassOf.set(p.symbol, p.assetClass);
      const venue = new Map(positions.map((p) => [p.symbol, p.netQuantity]));
      const balances: OpeningBalance[] = [];
      for (const symbol of [...new Set([...venue.keys(), ...net.keys()])].sort()) {
        const fillsNet = (net.get(symbol) ?? zero).minus(previous.get(symbol)?.quantity ?? zero);
        const quantity = (venue.get(symbol) ?? zero).minus(fillsNet);
        if (quantity.isZero()) continue;
        balances.push({ symbol, assetClass: assetClassOf.get(symbol) ?? 'equity', quantity, asOf: job.since, importId: job.id });
      }
      await replaceOpeningBalances(tx, accountId, balances);
      return balances.length;
    });
  }
}

/** One page per request slot of a venue that declares its rate (`requestsPerMinute`); no pause otherwise. */
export function pagePauseMsFor(account: Account): number {
  const perMinute = account.venueConfig.requestsPerMinute;
  return typeof perMinute === 'number' && perMinute > 0 ? Math.ceil(60_000 / perMinute) : 0;
}

function importRunning(accountId: string): FillbookError {
  return new FillbookError('FILLBOOK_ERR_IMPORT_RUNNING', `an import or a reconciliation of account ${accountId} is running; wait for it to end, or resume the import later`, { account_id: accountId });
}

/** A page read and being written, not yet committed: its phase, its writes, the job after it, and what it adds to the counts. */
interface InFlightPage {
  phase: 'orders' | 'fills';
  done: Promise<void>;
  next: ImportRecord;
  delta: ImportRecord['counts'];
}

const zeroCounts: ImportRecord['counts'] = { ...emptyImportCounts };

function addCounts(a: ImportRecord['counts'], b: ImportRecord['counts']): ImportRecord['counts'] {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v + (b[k as keyof typeof b] ?? 0)])) as ImportRecord['counts'];
}
