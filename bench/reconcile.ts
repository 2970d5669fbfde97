/**
 * Reconciliation benchmark: wall time and peak memory of a dry-run `Reconciler.run` of one account
 * against the paper venue, with 100,000 and with 1,000,000 orders, 1% of them divergent.
 *
 *   npx tsx bench/reconcile.ts        (or `npm run bench:reconcile`)
 *
 * The data is seeded with set-based SQL (`insert … select … from generate_series`), not through the
 * ledger API, into a fresh database on the PostgreSQL server (dropped at the end, also after Ctrl-C).
 * Each measured run happens in a fresh child process (this same file, started with
 * FILLBOOK_BENCH_RECONCILE_ROLE=run), so that its peak RSS is that run's alone.
 *
 * See bench/README.md for what is measured and how to read the output. The last line printed is one
 * JSON object for machines.
 */
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { constants as perfConstants, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import pg from 'pg';
import { findingCategories } from '../src/domain/index.js';
import { Ledger } from '../src/ledger/index.js';
import { builtInVenueFactories, Reconciler, type VenueFactory, Venues, VenueSync } from '../src/service/index.js';
import { type Database, openDatabase, type SqlClient } from '../src/storage/index.js';
import type { OpenOrderListOptions, OrderListOptions, VenueAdapter } from '../src/venues/index.js';
import { createServerDatabase, killRunningChild, measureInChild as measureInChildProcess, answerParent, loadAverage, round, ServerCpu, serverUnreachableReason, fmt } from './support.js';

// ---- configuration (names end with their unit) -------------------------------------------------

interface SizeCase {
  orders: number;
  /** Each run in a fresh child process; the time target is checked on the median run. */
  runs: number;
  wallMsMax: number;
  /** Checked on the largest peak RSS of the runs; null: no memory target. */
  peakRssMiBMax: number | null;
}

const sizeCases: SizeCase[] = [
  { orders: 100_000, runs: 3, wallMsMax: 2_000, peakRssMiBMax: null },
  { orders: 1_000_000, runs: 2, wallMsMax: 5_000, peakRssMiBMax: 1_024 },
];
/** Every `divergentEvery`-th order number diverges (1%), round robin over `divergenceKinds`. */
const divergentEvery = 100;
/** Symbols are spread over this many names (a prime, so that the divergent orders spread too). */
const symbolCount = 97;
const orderQuantityShares = 10;
const limitPriceUsd = 100;
/** A venue-side partial fill: two paper fills of 2 shares, at 100 and at 101. */
const partialFillShares = 2;
const partialFillPricesUsd = [100, 101] as const;
/** Every seeded row was last changed this long ago: past the quiet period (5 s) and stuck-after (30 s). */
const seedAgeMs = 3_600_000;
const memorySampleIntervalMs = 50;
const childTimeoutMs = 600_000;

const serverUrl =
  process.env.FILLBOOK_BENCH_DATABASE_URL ?? process.env.FILLBOOK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Comma-separated order counts to run, e.g. `100000` for a quick try. */
const requestedSizes = (process.env.FILLBOOK_BENCH_RECONCILE_SIZES ?? '').split(',').map((s) => Number(s.trim().replaceAll('_', ''))).filter((n) => n > 0);
const runsOverride = Number(process.env.FILLBOOK_BENCH_RECONCILE_RUNS ?? '') || undefined;
/** Heap limit of the measuring child (`--max-old-space-size`), to test the headroom; Node's default when unset. */
const childMaxOldSpaceMiB = Number(process.env.FILLBOOK_BENCH_RECONCILE_MAX_OLD_SPACE_MB ?? '') || undefined;
/**
 * `0`: the timed adapter leaves out `listOrders`, so the run skips the venue's order history (as
 * this bench did before; see bench/README.md). Otherwise it is passed on and read, as the service does.
 */
const withHistory = process.env.FILLBOOK_BENCH_RECONCILE_HISTORY !== '0';
/** `1`: the bench database is kept at the end (for a look at its plans), its name printed. */
const keepDatabase = process.env.FILLBOOK_BENCH_RECONCILE_KEEP_DB === '1';
/** When set, each measuring child writes a CPU profile there (`--cpu-prof`). */
const childProfileDir = process.env.FILLBOOK_BENCH_RECONCILE_PROFILE_DIR ?? '';

/**
 * The planted divergence. Order number n (1…N) is divergent when n % `divergentEvery` = 0, and then of
 * kind ((n / divergentEvery) % kinds). The index is the `kind` the seeding SQL computes.
 */
const divergenceKinds = [
  { name: 'venue canceled', ledger: 'open', venue: 'canceled', expect: 'missing_at_broker', how: 'venue lookup finds it terminal' },
  { name: 'venue lacks it', ledger: 'open', venue: '(none)', expect: 'missing_at_broker', how: 'getOrder and getOrderByClientId find nothing' },
  { name: 'venue partial fill', ledger: 'open, 0 filled', venue: 'partially_filled, 4 filled, 2 paper_fills', expect: 'fill_mismatch', how: 'matched in the open lists' },
  { name: 'venue only', ledger: '(none)', venue: 'new, client id ext-n', expect: 'orphaned_at_broker', how: 'ledger lookup by venue keys finds nothing' },
  { name: 'ledger pending_cancel', ledger: 'pending_cancel', venue: 'new', expect: 'status_mismatch', how: 'matched in the open lists' },
  { name: 'ledger closed', ledger: 'canceled', venue: 'new', expect: 'status_mismatch', how: 'ledger lookup by venue keys finds it closed' },
  { name: 'ledger submitted, old', ledger: 'submitted, no broker id', venue: 'new', expect: 'stuck_submission', how: 'matched by client order id' },
] as const;
const kindCount = divergenceKinds.length;

type Summary = Record<string, number>;

// ---- the plan: what is seeded and what a dry run must find ---------------------------------------

const kindOf = (n: number) => (n % divergentEvery === 0 ? (n / divergentEvery) % kindCount : -1);

interface Plan {
  orders: number;
  perKind: number[];
  ledgerOrders: number;
  paperOrders: number;
  paperFills: number;
  expected: Summary;
}

function planFor(orders: number): Plan {
  const perKind = divergenceKinds.map(() => 0);
  const symbolsWithVenueFills = new Set<number>();
  for (let n = divergentEvery; n <= orders; n += divergentEvery) {
    const kind = kindOf(n);
    perKind[kind] = (perKind[kind] ?? 0) + 1;
    if (kind === 2) symbolsWithVenueFills.add(n % symbolCount);
  }
  const k = (i: number) => perKind[i] ?? 0;
  const divergent = perKind.reduce((a, b) => a + b, 0);
  const expected: Summary = Object.fromEntries(findingCategories.map((c) => [c, 0]));
  expected.matched = orders - divergent;
  expected.missing_at_broker = k(0) + k(1);
  expected.fill_mismatch = k(2);
  expected.orphaned_at_broker = k(3);
  expected.status_mismatch = k(4) + k(5);
  expected.stuck_submission = k(6);
  // The venue's fills make its net position differ from the ledger's (which has no fills) on every
  // symbol that carries a partially filled order.
  expected.holding_mismatch = symbolsWithVenueFills.size;
  expected.unprotected_position = 0;
  expected.deferred = 0;
  expected.repaired = 0;
  return { orders, perKind, ledgerOrders: orders - k(3), paperOrders: orders - k(1), paperFills: k(2) * partialFillPricesUsd.length, expected };
}

// ---- seeding (set-based SQL) --------------------------------------------------------------------

/** Order numbers with their divergence kind (-1: in agreement). $2: the order count. */
const numbered = `(select n, case when n % ${divergentEvery} = 0 then (n / ${divergentEvery}) % ${kindCount} else -1 end as kind
  from generate_series(1, $2::int) as n) as s`;

const seedLedgerOrdersSql = `insert into orders (account_id, id, client_order_id, broker_order_id, position_id, role, origin, symbol,
    asset_class, side, type, time_in_force, quantity, limit_price, stop_price, status, status_reason, qty_filled, qty_remaining,
    filled_notional, avg_fill_price, fees, fee_currency, request_fingerprint, version, created_at, submitted_at, accepted_at,
    first_fill_at, last_fill_at, completed_at, canceled_at, last_status_check_at, updated_at, first_failed_at, last_retry_at,
    retry_count, amended_at, detected_at, sent_by)
  select $1::uuid, gen_random_uuid(), 'c-' || n, case when kind = 6 then null else 'P-' || n end, null, 'manual', 'api', 'S' || (n % ${symbolCount}),
    'equity', 'buy', 'limit', 'gtc', ${orderQuantityShares}, ${limitPriceUsd}, null,
    case kind when 4 then 'pending_cancel' when 5 then 'canceled' when 6 then 'submitted' else 'open' end,
    case when kind = 5 then 'canceled by the user' end, 0, case when kind = 5 then 0 else ${orderQuantityShares} end,
    0, null, 0, null, md5('c-' || n), case kind when 4 then 4 when 5 then 5 when 6 then 2 else 3 end, $3::timestamptz, $3, case when kind = 6 then null else $3 end,
    null, null, case when kind = 5 then $3 end, case when kind = 5 then $3 end, null, $3, null, null,
    0, null, null, 'fillbook'
  from ${numbered} where kind <> 3`;

const seedPaperOrdersSql = `insert into paper_orders (account_id, venue_order_id, client_order_id, symbol, asset_class, side, type,
    time_in_force, quantity, limit_price, stop_price, status, filled_quantity, filled_notional, reason, created_at, updated_at)
  select $1::uuid, 'P-' || n, case when kind = 3 then 'ext-' || n else 'c-' || n end, 'S' || (n % ${symbolCount}), 'equity', 'buy', 'limit',
    'gtc', ${orderQuantityShares}, ${limitPriceUsd}, null,
    case kind when 0 then 'canceled' when 2 then 'partially_filled' else 'new' end,
    case when kind = 2 then ${partialFillShares * partialFillPricesUsd.length} else 0 end,
    case when kind = 2 then ${partialFillPricesUsd.reduce((sum, p) => sum + p * partialFillShares, 0)} else 0 end,
    null, $3::timestamptz, $3
  from ${numbered} where kind <> 1`;

const seedPaperFillsSql = `insert into paper_fills (account_id, exec_id, venue_order_id, quantity, price, fee, executed_at)
  select $1::uuid, 'P-' || n || '-F' || f.i, 'P-' || n, ${partialFillShares}, f.price, 0, $3::timestamptz
  from ${numbered}
  cross join (values ${partialFillPricesUsd.map((p, i) => `(${i + 1}, ${p})`).join(', ')}) as f (i, price)
  where kind = 2`;

interface SeedTimes {
  orders: number;
  ledgerOrdersMs: number;
  paperOrdersMs: number;
  paperFillsMs: number;
  vacuumAnalyzeMs: number;
  rows: { ledgerOrders: number; paperOrders: number; paperFills: number };
}

/** The seeding connection, so that Ctrl-C can cancel a long statement. */
let seeding: { client: pg.Client; backendPid: number } | undefined;

async function seed(databaseUrl: string, accountId: string, orders: number): Promise<SeedTimes> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const [{ pid }] = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows as [{ pid: number }];
  seeding = { client, backendPid: pid };
  try {
    // Bench data: losing it in a crash costs nothing, so commits need not wait for the WAL flush.
    await client.query('set synchronous_commit = off');
    const at = new Date(Date.now() - seedAgeMs).toISOString();
    const timed = async (sql: string) => {
      const start = performance.now();
      const result = await client.query(sql, [accountId, orders, at]);
      return { ms: performance.now() - start, rows: result.rowCount ?? 0 };
    };
    const ledgerOrders = await timed(seedLedgerOrdersSql);
    const paperOrders = await timed(seedPaperOrdersSql);
    const paperFills = await timed(seedPaperFillsSql);
    // A freshly loaded table has no statistics and no visibility map; autovacuum would see to both
    // within minutes. Done here, outside the timed runs, so that they read settled tables. The
    // checkpoint writes out what the seeding and the vacuum left dirty: otherwise the checkpointer
    // writes those pages (a gigabyte of them) during the timed runs, which then measure the seeding too.
    const vacuumStart = performance.now();
    await client.query('vacuum analyze orders, paper_orders, paper_fills');
    await client.query('checkpoint');
    return {
      orders,
      ledgerOrdersMs: ledgerOrders.ms,
      paperOrdersMs: paperOrders.ms,
      paperFillsMs: paperFills.ms,
      vacuumAnalyzeMs: performance.now() - vacuumStart,
      rows: { ledgerOrders: ledgerOrders.rows, paperOrders: paperOrders.rows, paperFills: paperFills.rows },
    };
  } finally {
    seeding = undefined;
    await client.end().catch(() => {});
  }
}

/** Everything a dry run must leave alone: order and paper-order counts by status, and the ledger's versions. */
async function bookState(db: Database, accountId: string): Promise<string> {
  const rows = await db.query(
    `select 'orders' as book, status, count(*)::int as n, sum(version)::int as versions from orders where account_id = $1 group by status
     union all select 'paper_orders', status, count(*)::int, null from paper_orders where account_id = $1 group by status
     union all select 'paper_fills', '', count(*)::int, null from paper_fills where account_id = $1
     order by 1, 2`,
    [accountId],
  );
  return JSON.stringify(rows);
}

// ---- the measuring child ------------------------------------------------------------------------

interface ChildRequest {
  databaseUrl: string;
  accountId: string;
  orders: number;
  run: number;
}

interface StatementStats {
  count: number;
  ms: number;
  rows: number;
}

interface MemoryPeak {
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
}

interface RunResult {
  orders: number;
  run: number;
  wallMs: number;
  cpuMs: number;
  /** CPU of the server processes of the run's connections (see `ServerCpu`); null when /proc could not be read. */
  serverCpuMs: number | null;
  gcMs: number;
  gcCount: number;
  gcMajorCount: number;
  summary: Summary;
  runStatus: string;
  /** 1-minute load average when the run ended (other processes compete for the same cores). */
  loadAverage1m: number;
  findingsReturned: number;
  phases: { phase: string; ms: number | null; sqlMs: number | null; heapUsedMiBAfter: number | null }[];
  statements: Record<string, StatementStats>;
  adapterCalls: Record<string, StatementStats>;
  /** Memory before the run (after a full GC), the peaks sampled during it, and the kernel's peak RSS of the process. */
  baseline: MemoryPeak;
  peak: MemoryPeak;
  maxRssMiB: number;
  samples: number;
  samplerMaxGapMs: number;
  heapLimitMiB: number;
}


const mib = (bytes: number) => bytes / 1_048_576;

/** Which of the reconciler's statements a SQL text is (for the per-phase split). */
function statementKind(text: string): string {
  // A COPY (the account's id written in as a literal) today; keyset pages or a cursor (declare … / fetch …) would count here too.
  if (/from orders where account_id = (\$1|'[0-9a-f-]+'::uuid)\s+and status in/.test(text) || /^\s*(declare|fetch)\b/i.test(text)) return 'ledger page';
  if (/from orders where account_id = \$1 and \(broker_order_id = any/.test(text)) return 'ledger lookup';
  if (/from paper_orders where account_id = (\$1|'[0-9a-f-]+'::uuid) and status in/.test(text)) return 'venue open list';
  if (/from paper_orders\s+where account_id = \$1 and updated_at >= \$2/.test(text)) return 'venue history';
  if (/from paper_fills f\s+join paper_orders o[\s\S]*executed_at >= \$2/.test(text)) return 'venue fills';
  if (/from paper_orders where account_id = \$1 and (venue_order_id|client_order_id) = any/.test(text)) return 'venue getOrders';
  if (/from paper_orders where account_id = \$1 and venue_order_id = \$2/.test(text)) return 'venue getOrder';
  if (/from paper_orders where account_id = \$1 and client_order_id = \$2/.test(text)) return 'venue getOrderByClientId';
  if (/from fills f join orders o/.test(text)) return 'ledger net';
  if (/from paper_fills f join paper_orders o[\s\S]*group by o\.symbol/.test(text)) return 'venue positions';
  if (/from positions p left join orders/.test(text)) return 'protection';
  if (/insert into reconciliation_findings/.test(text)) return 'store findings';
  if (/insert into reconciliation_runs/.test(text)) return 'run row';
  if (/update reconciliation_runs/.test(text)) return 'finish run';
  return 'other';
}

/** Timestamps (ms since the run began), statement and adapter timings, and memory at checkpoints. */
class Probe {
  private origin = performance.now();
  readonly marks = new Map<string, number>();
  readonly heapAt = new Map<string, number>();
  readonly statements = new Map<string, StatementStats>();
  readonly adapterCalls = new Map<string, StatementStats>();

  now(): number {
    return performance.now() - this.origin;
  }
  /** Forgets everything so far (opening the ledger runs the migrations through the same database). */
  reset(): void {
    this.origin = performance.now();
    for (const table of [this.marks, this.heapAt, this.statements, this.adapterCalls] as Map<string, unknown>[]) table.clear();
  }
  first(name: string): void {
    if (!this.marks.has(name)) this.marks.set(name, this.now());
  }
  last(name: string): void {
    this.marks.set(name, this.now());
  }
  /** A mark with the heap in use at that moment (not after a GC: it includes garbage not yet collected). */
  checkpoint(name: string): void {
    this.last(name);
    this.heapAt.set(name, process.memoryUsage().heapUsed);
  }
  add(table: Map<string, StatementStats>, key: string, ms: number, rows: number): void {
    const s = table.get(key) ?? { count: 0, ms: 0, rows: 0 };
    s.count += 1;
    s.ms += ms;
    s.rows += rows;
    table.set(key, s);
  }
}

function probedDatabase(db: Database, probe: Probe): Database {
  const probed = (sql: SqlClient): SqlClient => ({
    async query<Row>(text: string, params?: readonly unknown[]) {
      const kind = statementKind(text);
      const start = performance.now();
      probe.first(`${kind}:start`);
      const rows = await sql.query<Row>(text, params);
      probe.last(`${kind}:end`);
      probe.add(probe.statements, kind, performance.now() - start, rows.length);
      return rows;
    },
    exec: (script) => sql.exec(script),
  });
  return {
    engine: db.engine,
    ...probed(db),
    transaction: (work) => db.transaction((tx) => work(probed(tx))),
    withAdvisoryLock: (name, work) => db.withAdvisoryLock(name, work),
    async copyRows(select, onRows) {
      const kind = statementKind(select);
      const start = performance.now();
      probe.first(`${kind}:start`);
      let count = 0;
      await db.copyRows(select, (rows) => {
        count += rows.length;
        onRows(rows);
      });
      probe.last(`${kind}:end`);
      probe.add(probe.statements, kind, performance.now() - start, count);
    },
    close: () => db.close(),
  };
}

/** The paper venue with its reads timed (the reconciler only reads in a dry run). */
function probedAdapter(inner: VenueAdapter, probe: Probe): VenueAdapter {
  const timed =
    <A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const start = performance.now();
      probe.first(`${name}:start`);
      const result = await call(...args);
      if (name === 'listOpenOrders') probe.checkpoint(`${name}:end`);
      else probe.last(`${name}:end`);
      probe.add(probe.adapterCalls, name, performance.now() - start, Array.isArray(result) ? result.length : result === undefined ? 0 : 1);
      return result;
    };
  return {
    venue: inner.venue,
    capabilities: inner.capabilities,
    placeOrder: (request) => inner.placeOrder(request),
    cancelOrder: (venueOrderId) => inner.cancelOrder(venueOrderId),
    getOrder: timed('getOrder', (venueOrderId: string) => inner.getOrder(venueOrderId)),
    getOrderByClientId: timed('getOrderByClientId', (clientOrderId: string) => inner.getOrderByClientId(clientOrderId)),
    ...(inner.getOrders === undefined
      ? {}
      : { getOrders: timed('getOrders', (by: 'venue_order_id' | 'client_order_id', ids: readonly string[]) => inner.getOrders!(by, ids)) }),
    listOpenOrders: timed('listOpenOrders', (options?: OpenOrderListOptions) => inner.listOpenOrders(options)),
    listFills: timed('listFills', (since: string, cursor?: string | null) => inner.listFills(since, cursor)),
    ...(withHistory && inner.listOrders !== undefined
      ? { listOrders: timed('listOrders', (since: string, cursor?: string | null, options?: OrderListOptions) => inner.listOrders!(since, cursor, options)) }
      : {}),
    listPositions: timed('listPositions', () => inner.listPositions()),
    subscribe: (listener) => inner.subscribe(listener),
    close: () => inner.close(),
  };
}

/** Consecutive phases of a run, each between two marks; together they cover the whole wall time. */
const phaseBounds: { phase: string; from: string; to: string; sql?: string[]; overlaps?: true }[] = [
  { phase: 'setup: account, adapter, lock, run row', from: 'run:start', to: 'run row:end', sql: ['other', 'run row'] },
  { phase: 'read both sides at once', from: 'run row:end', to: 'reads:end', sql: ['ledger page', 'venue open list'] },
  // The two reads overlap (their rows are not added to the total): each one's own span.
  { phase: '  of which ledger working orders (pages of 10,000)', from: 'run row:end', to: 'progress:ledger orders', sql: ['ledger page'], overlaps: true },
  { phase: '  of which venue open orders (listOpenOrders)', from: 'listOpenOrders:start', to: 'listOpenOrders:end', sql: ['venue open list'], overlaps: true },
  { phase: '  of which venue history and fills (listOrders, listFills)', from: 'activity:start', to: 'activity:end', sql: ['venue history', 'venue fills'], overlaps: true },
  { phase: 'pairing, lookupsNeeded (in memory), the history\'s end', from: 'reads:end', to: 'lookups:start' },
  { phase: 'venue lookups (batches of 1,000 where the adapter can, else one order a call; 8 in flight)', from: 'lookups:start', to: 'lookups:end', sql: ['venue getOrders', 'venue getOrder', 'venue getOrderByClientId'] },
  { phase: 'ledger lookups by venue keys', from: 'lookups:end', to: 'ledger lookup:end', sql: ['ledger lookup'] },
  { phase: 'classify (match loop, reconcileOrders)', from: 'ledger lookup:end', to: 'ledger net:start' },
  { phase: 'holdings and protection', from: 'ledger net:start', to: 'protection:end', sql: ['ledger net', 'venue positions', 'protection'] },
  { phase: 'store findings, finish run', from: 'protection:end', to: 'finish run:end', sql: ['store findings', 'finish run'] },
  { phase: 'return (unlock)', from: 'finish run:end', to: 'run:end' },
];

async function childMain(): Promise<void> {
  await answerParent<ChildRequest, RunResult>('FILLBOOK_BENCH_RECONCILE_CHILD', 'bench/reconcile.ts', async (request) => {
    const raw = await openDatabase({ databaseUrl: request.databaseUrl });
    const probe = new Probe();
    const db = probedDatabase(raw, probe);
    const ledger = await Ledger.open({ database: db });
    const factories: Record<string, VenueFactory> = {
      ...builtInVenueFactories,
      paper: async (account, database) => probedAdapter(await builtInVenueFactories.paper!(account, database), probe),
    };
    // Wired as the service and the tests wire it; the reconciler's own quiet period (5 s) and stuck-after (30 s).
    const venues = new Venues(ledger, factories);
    const sync = new VenueSync(ledger);
    venues.onAdapter((accountId, adapter) => sync.attach(accountId, adapter));
    const reconciler = new Reconciler(ledger, venues, sync);

    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const baselineUsage = process.memoryUsage();
    const baseline: MemoryPeak = { rssMiB: mib(baselineUsage.rss), heapUsedMiB: mib(baselineUsage.heapUsed), heapTotalMiB: mib(baselineUsage.heapTotal), externalMiB: mib(baselineUsage.external) };
    const peak = { ...baseline };
    let samples = 0;
    let lastSample = performance.now();
    let samplerMaxGapMs = 0;
    const sample = () => {
      const at = performance.now();
      samplerMaxGapMs = Math.max(samplerMaxGapMs, at - lastSample);
      lastSample = at;
      const m = process.memoryUsage();
      samples += 1;
      peak.rssMiB = Math.max(peak.rssMiB, mib(m.rss));
      peak.heapUsedMiB = Math.max(peak.heapUsedMiB, mib(m.heapUsed));
      peak.heapTotalMiB = Math.max(peak.heapTotalMiB, mib(m.heapTotal));
      peak.externalMiB = Math.max(peak.externalMiB, mib(m.external));
    };
    let gcMs = 0;
    let gcCount = 0;
    let gcMajorCount = 0;
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        gcMs += entry.duration;
        gcCount += 1;
        if (((entry as { detail?: { kind?: number } }).detail)?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) gcMajorCount += 1;
      }
    });

    const serverCpu = new ServerCpu();
    await serverCpu.start(request.databaseUrl);
    probe.reset();
    const sampler = setInterval(sample, memorySampleIntervalMs);
    gcObserver.observe({ entryTypes: ['gc'] });
    const cpuBefore = process.cpuUsage();
    probe.last('run:start');
    const run = await reconciler.run({
      accountId: request.accountId,
      actions: [],
      startedBy: 'bench',
      onProgress: (phase, done, total) => {
        if (phase !== 'venue lookups') probe.checkpoint(`progress:${phase}`);
        else if (done >= total) probe.checkpoint('lookups:end');
      },
    });
    probe.last('run:end');
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpuMs = await serverCpu.stop();
    sample();
    clearInterval(sampler);
    // GC entries are delivered asynchronously: let the last ones arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    gcObserver.disconnect();

    // The lookups begin with the first lookup call (a batch, or one order by venue id, or by client id when the order has no broker id).
    const firstLookup = Math.min(...['getOrders', 'getOrder', 'getOrderByClientId'].map((name) => probe.marks.get(`${name}:start`) ?? Infinity));
    // No venue lookups at all: the phase is empty.
    // The reconciler reads the ledger and the venue at once: the reads end when the later one does.
    const readsEnd = Math.max(probe.marks.get('progress:ledger orders') ?? Number.NaN, probe.marks.get('listOpenOrders:end') ?? Number.NaN);
    probe.marks.set('reads:end', readsEnd);
    probe.heapAt.set('reads:end', probe.heapAt.get(readsEnd === probe.marks.get('listOpenOrders:end') ? 'listOpenOrders:end' : 'progress:ledger orders') ?? Number.NaN);
    // The venue's history and fills are read beside the open orders; the lookups follow the pairing and the history's end.
    const activityStart = Math.min(probe.marks.get('listOrders:start') ?? Infinity, probe.marks.get('listFills:start') ?? Infinity);
    const activityEnd = Math.max(probe.marks.get('listOrders:end') ?? -Infinity, probe.marks.get('listFills:end') ?? -Infinity);
    probe.marks.set('activity:start', Number.isFinite(activityStart) ? activityStart : readsEnd);
    probe.marks.set('activity:end', Number.isFinite(activityEnd) ? activityEnd : readsEnd);
    probe.marks.set('lookups:start', Number.isFinite(firstLookup) ? firstLookup : Math.max(readsEnd, Number.isFinite(activityEnd) ? activityEnd : readsEnd));
    probe.marks.set('lookups:end', probe.marks.get('lookups:end') ?? probe.marks.get('lookups:start')!);
    const phases = phaseBounds.map((b) => {
      const from = probe.marks.get(b.from);
      const to = probe.marks.get(b.to);
      const heap = probe.heapAt.get(b.to);
      return {
        phase: b.phase,
        ms: from === undefined || to === undefined || Number.isNaN(from) || Number.isNaN(to) ? null : to - from,
        sqlMs: b.sql === undefined ? null : b.sql.reduce((sum, k) => sum + (probe.statements.get(k)?.ms ?? 0), 0),
        heapUsedMiBAfter: heap === undefined ? null : mib(heap),
      };
    });
    const result: RunResult = {
      orders: request.orders,
      run: request.run,
      wallMs: (probe.marks.get('run:end') ?? Number.NaN) - (probe.marks.get('run:start') ?? Number.NaN),
      cpuMs: (cpu.user + cpu.system) / 1000,
      serverCpuMs: serverCpu.readable ? serverCpuMs : null,
      gcMs,
      gcCount,
      gcMajorCount,
      summary: run.summary,
      runStatus: run.status,
      loadAverage1m: loadavg()[0] ?? Number.NaN,
      findingsReturned: run.findings.length,
      phases,
      statements: Object.fromEntries(probe.statements),
      adapterCalls: Object.fromEntries(probe.adapterCalls),
      baseline,
      peak,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      samples,
      samplerMaxGapMs,
      heapLimitMiB: mib(v8.getHeapStatistics().heap_size_limit),
    };
    await venues.closeAll();
    await ledger.close();
    await raw.close();
    return result;
  });
}

/** One measured run in a fresh process (its RSS is this run's alone). */
async function measureInChild(request: ChildRequest): Promise<RunResult> {
  const execArgv = [
    // One directory per run, with Node's own file names (they name the thread): a fixed
    // --cpu-prof-name would be written by every thread, and tsx's loader thread ends last.
    ...(childProfileDir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${childProfileDir}/reconcile-${request.orders}-run${request.run}-${process.pid}`]),
  ];
  return measureInChildProcess<RunResult>(fileURLToPath(import.meta.url), {
    env: { FILLBOOK_BENCH_RECONCILE_ROLE: 'run', FILLBOOK_BENCH_RECONCILE_CHILD: JSON.stringify(request) },
    execArgv,
    maxOldSpaceMiB: childMaxOldSpaceMiB,
    timeoutMs: childTimeoutMs,
    what: 'the run',
  });
}

// ---- driving ------------------------------------------------------------------------------------

interface SizeResult {
  orders: number;
  plan: Plan;
  seed: SeedTimes;
  runs: RunResult[];
  failures: string[];
  summaryMismatches: { run: number; differences: Record<string, { expected: number; got: number }> }[];
  unchanged: boolean | null;
}

let interrupted = false;

interface BenchDatabase {
  name: string;
  url: string;
  db: Database;
  drop(): Promise<void>;
}

const serverReachable = () => serverUnreachableReason(serverUrl);

const freshDatabase = (): Promise<BenchDatabase> => createServerDatabase(serverUrl);

function summaryDifferences(expected: Summary, got: Summary): Record<string, { expected: number; got: number }> {
  const keys = new Set([...Object.keys(expected), ...Object.keys(got)]);
  const differences: Record<string, { expected: number; got: number }> = {};
  for (const key of keys) {
    if ((expected[key] ?? 0) !== (got[key] ?? 0)) differences[key] = { expected: expected[key] ?? 0, got: got[key] ?? 0 };
  }
  return differences;
}

async function benchSize(fresh: BenchDatabase, ledger: Ledger, size: SizeCase): Promise<SizeResult> {
  const plan = planFor(size.orders);
  const account = await ledger.createAccount({ name: `bench reconcile ${size.orders}`, venue: 'paper', venueConfig: { fillMode: 'manual', latencyMs: 0 } });
  console.log(`[${fmtInt(size.orders)}] seeding: ${fmtInt(plan.ledgerOrders)} ledger orders, ${fmtInt(plan.paperOrders)} paper orders, ${fmtInt(plan.paperFills)} paper fills …`);
  const seeded = await seed(fresh.url, account.id, size.orders);
  console.log(
    `[${fmtInt(size.orders)}] seeded in ${fmtS(seeded.ledgerOrdersMs + seeded.paperOrdersMs + seeded.paperFillsMs)} s ` +
      `(orders ${fmtS(seeded.ledgerOrdersMs)} s, paper orders ${fmtS(seeded.paperOrdersMs)} s, paper fills ${fmtS(seeded.paperFillsMs)} s), vacuum analyze ${fmtS(seeded.vacuumAnalyzeMs)} s`,
  );
  const result: SizeResult = { orders: size.orders, plan, seed: seeded, runs: [], failures: [], summaryMismatches: [], unchanged: null };
  const rowsOk = seeded.rows.ledgerOrders === plan.ledgerOrders && seeded.rows.paperOrders === plan.paperOrders && seeded.rows.paperFills === plan.paperFills;
  if (!rowsOk) result.failures.push(`seeded rows ${JSON.stringify(seeded.rows)} differ from the plan`);
  const before = await bookState(fresh.db, account.id);
  const runs = runsOverride ?? size.runs;
  for (let r = 1; r <= runs && !interrupted; r++) {
    try {
      const run = await measureInChild({ databaseUrl: fresh.url, accountId: account.id, orders: size.orders, run: r });
      result.runs.push(run);
      const differences = summaryDifferences(plan.expected, run.summary);
      if (Object.keys(differences).length > 0) result.summaryMismatches.push({ run: r, differences });
      console.log(
        `[${fmtInt(size.orders)}] run ${r}/${runs}: ${fmtS(run.wallMs)} s, peak RSS ${fmt(run.maxRssMiB, 0)} MiB, ` +
          `peak heap used ${fmt(run.peak.heapUsedMiB, 0)} MiB, summary ${Object.keys(differences).length === 0 ? 'as planted' : 'DIFFERS'}, load average ${loadAverage()}`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (interrupted) {
        console.log(`[${fmtInt(size.orders)}] run ${r}/${runs}: abandoned (interrupted)`);
        break;
      }
      result.failures.push(`run ${r}: ${message}`);
      console.log(`[${fmtInt(size.orders)}] run ${r}/${runs}: FAILED: ${message}`);
    }
  }
  if (result.runs.length > 0) result.unchanged = (await bookState(fresh.db, account.id)) === before;
  return result;
}

// ---- report -------------------------------------------------------------------------------------

const fmtS = (ms: number | null | undefined) => fmt(ms === null || ms === undefined ? ms : ms / 1000, 2);
const fmtInt = (n: number) => n.toLocaleString('en-US');

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function table(header: string[], rows: string[][], rightAligned: (i: number) => boolean): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (rightAligned(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

interface TargetCheck {
  target: string;
  orders: number;
  value: number;
  threshold: number;
  pass: boolean;
}

function report(sizes: SizeResult[], skipped: string | undefined, heapLimitMiB: number): void {
  const checks: TargetCheck[] = [];
  for (const s of sizes) {
    const size = sizeCases.find((c) => c.orders === s.orders)!;
    if (s.runs.length === 0) continue;
    const wall = median(s.runs.map((r) => r.wallMs));
    checks.push({ target: `wall time of the dry run (median of ${s.runs.length}), ms`, orders: s.orders, value: round(wall, 0), threshold: size.wallMsMax, pass: wall < size.wallMsMax });
    if (size.peakRssMiBMax !== null) {
      const rss = Math.max(...s.runs.map((r) => r.maxRssMiB));
      checks.push({ target: `peak RSS of the process (largest of ${s.runs.length}), MiB`, orders: s.orders, value: round(rss, 0), threshold: size.peakRssMiBMax, pass: rss < size.peakRssMiBMax });
    }
  }

  console.log('');
  console.log('Reconciliation: dry-run Reconciler.run (actions: []) of one account against the paper venue, PostgreSQL server');
  console.log(
    `  1 order in ${divergentEvery} divergent (${kindCount} kinds, round robin); rows last changed ${seedAgeMs / 60_000} min ago; default quiet period and stuck-after;`,
  );
  console.log(`  venue order history (listOrders) ${withHistory ? 'read, as the service does' : 'LEFT OUT (FILLBOOK_BENCH_RECONCILE_HISTORY=0)'};`);
  console.log(`  each run in a fresh Node process (tsx), pool of 10 connections; node ${process.version}, cores: ${availableParallelism()}, memory ${fmt(mib(totalmem()) / 1024, 0)} GiB, load average now: ${loadAverage()}`);
  console.log('');
  console.log('Planted divergence (per order count):');
  table(
    ['kind', 'ledger', 'venue', 'expected finding', ...sizes.map((s) => fmtInt(s.orders))],
    divergenceKinds.map((k, i) => [k.name, k.ledger, k.venue, k.expect, ...sizes.map((s) => fmtInt(s.plan.perKind[i] ?? 0))]),
    (i) => i >= 4,
  );
  console.log('');
  console.log('Seeding (set-based SQL, not timed against any target):');
  table(
    ['orders', 'ledger orders', 'paper orders', 'paper fills', 'orders s', 'paper s', 'fills s', 'vacuum analyze s'],
    sizes.map((s) => [fmtInt(s.orders), fmtInt(s.seed.rows.ledgerOrders), fmtInt(s.seed.rows.paperOrders), fmtInt(s.seed.rows.paperFills), fmtS(s.seed.ledgerOrdersMs), fmtS(s.seed.paperOrdersMs), fmtS(s.seed.paperFillsMs), fmtS(s.seed.vacuumAnalyzeMs)]),
    (i) => i >= 0,
  );
  console.log('');
  console.log('Runs:');
  const runRows = sizes.flatMap((s) =>
    s.runs.map((r) => [
      fmtInt(s.orders), String(r.run), fmtS(r.wallMs), fmtS(r.cpuMs), r.serverCpuMs === null ? 'n/a' : fmtS(r.serverCpuMs), `${fmt(r.gcMs, 0)} (${r.gcMajorCount})`, fmt(r.maxRssMiB, 0), fmt(r.peak.rssMiB, 0), fmt(r.peak.heapUsedMiB, 0),
      fmt(r.peak.heapTotalMiB, 0), fmt(r.baseline.rssMiB, 0), fmt(r.baseline.heapUsedMiB, 0), fmtInt(Object.entries(r.summary).filter(([k]) => k !== 'matched' && k !== 'deferred' && k !== 'repaired').reduce((sum, [, v]) => sum + v, 0)),
      s.summaryMismatches.some((m) => m.run === r.run) ? 'DIFFERS' : 'as planted', fmt(r.loadAverage1m, 2),
    ]),
  );
  table(
    ['orders', 'run', 'wall s', 'node cpu s', 'server cpu s', 'gc ms (major)', 'peak rss MiB', 'sampled rss', 'heap used', 'heap total', 'rss before', 'heap before', 'findings', 'summary', 'load 1m'],
    runRows,
    (i) => (i >= 1 && i <= 12) || i === 14,
  );
  console.log(`  server cpu: utime + stime of the PostgreSQL backends serving the bench database during the run (/proc, sampled every 500 ms).`);
  console.log(`  peak rss: the kernel's high-water mark of the run's process (getrusage), the process's start included; sampled: every ${memorySampleIntervalMs} ms.`);
  console.log(`  "before": after loading and a full GC, just before run(). Heap limit of the run processes: ${fmt(heapLimitMiB, 0)} MiB${childMaxOldSpaceMiB === undefined ? " (Node's default)" : ` (--max-old-space-size=${childMaxOldSpaceMiB})`}.`);
  const gaps = sizes.flatMap((s) => s.runs.map((r) => r.samplerMaxGapMs));
  if (gaps.length > 0) console.log(`  the sampler's longest gap was ${fmt(Math.max(...gaps), 0)} ms (synchronous work blocks it: a heap peak inside such a stretch can be missed; the RSS high-water mark cannot).`);

  for (const s of sizes) {
    if (s.runs.length === 0) continue;
    console.log('');
    console.log(`Phases, ${fmtInt(s.orders)} orders (wall ms per run; sql: time inside the phase's statements, summed; heap: in use at the phase's end, garbage included):`);
    const header = ['phase', ...s.runs.flatMap((r) => [`run ${r.run} ms`, 'sql ms', 'heap MiB'])];
    const rows = phaseBounds.map((b, i) => [
      b.phase,
      ...s.runs.flatMap((r) => {
        const p = r.phases[i];
        return [fmt(p?.ms, 0), p?.sqlMs === null ? '' : fmt(p?.sqlMs, 0), p?.heapUsedMiBAfter === null ? '' : fmt(p?.heapUsedMiBAfter, 0)];
      }),
    ]);
    rows.push(['total (wall)', ...s.runs.flatMap((r) => [fmt(r.wallMs, 0), '', ''])]);
    table(header, rows, (i) => i >= 1);
    const first = s.runs[0]!;
    const calls = Object.entries(first.adapterCalls).map(([name, c]) => `${name} ${fmtInt(c.count)} (${fmt(c.ms, 0)} ms summed, ${fmtInt(c.rows)} found)`);
    console.log(`  venue calls (run 1): ${calls.join(', ')}`);
    const statements = Object.entries(first.statements).map(([kind, c]) => `${kind} ${fmtInt(c.count)}×/${fmt(c.ms, 0)} ms/${fmtInt(c.rows)} rows`);
    console.log(`  statements (run 1): ${statements.join('; ')}`);
  }

  console.log('');
  console.log('Checks:');
  for (const s of sizes) {
    if (s.runs.length === 0) continue;
    const ok = s.summaryMismatches.length === 0;
    console.log(
      `  ${ok ? 'PASS' : 'FAIL'}  ${fmtInt(s.orders)} orders: summary counts equal the planted divergence in every run ` +
        `(${Object.entries(s.plan.expected).filter(([, v]) => v !== 0).map(([k, v]) => `${k} ${fmtInt(v)}`).join(', ')})`,
    );
    for (const m of s.summaryMismatches) console.log(`        run ${m.run}: ${Object.entries(m.differences).map(([k, d]) => `${k} expected ${d.expected}, got ${d.got}`).join('; ')}`);
    console.log(`  ${s.unchanged ? 'PASS' : 'FAIL'}  ${fmtInt(s.orders)} orders: the dry runs changed neither book (orders and paper orders by status, versions, paper fills)`);
    for (const f of s.failures) console.log(`  FAIL  ${fmtInt(s.orders)} orders: ${f}`);
  }
  console.log('');
  console.log('Targets (this machine):');
  if (skipped !== undefined) console.log(`  none checked: ${skipped}`);
  for (const c of checks) console.log(`  ${c.pass ? 'PASS' : 'FAIL'}  ${fmtInt(c.orders)} orders: ${c.target}: ${fmtInt(c.value)} < ${fmtInt(c.threshold)}`);
  const expectedChecks = sizes.reduce((n, s) => n + 1 + (sizeCases.find((c) => c.orders === s.orders)?.peakRssMiBMax === null ? 0 : 1), 0);
  if (skipped === undefined && checks.length < expectedChecks) console.log(`  ${expectedChecks - checks.length} target(s) NOT MEASURED`);
  if (interrupted) console.log('INTERRUPTED: the figures above are partial.');
  const failed = checks.filter((c) => !c.pass).length + sizes.reduce((n, s) => n + s.summaryMismatches.length + s.failures.length + (s.unchanged === false ? 1 : 0), 0);
  if (failed > 0) console.log(`${failed} check(s) or target(s) FAILED (the bench is a report; exit status stays 0).`);
  else if (checks.length > 0 && checks.length === expectedChecks) console.log('All checks and targets met.');
  console.log('Figures are noisy on a small shared machine: other processes (tests, other benches, the server itself) compete for the same 2 cores.');
  console.log('');
  console.log(
    JSON.stringify({
      bench: 'reconcile',
      config: { sizeCases, withHistory, divergentEvery, kinds: divergenceKinds.map((k) => k.name), symbolCount, seedAgeMs, memorySampleIntervalMs, childMaxOldSpaceMiB: childMaxOldSpaceMiB ?? null, heapLimitMiB: round(heapLimitMiB, 0) },
      sizes: sizes.map((s) => ({
        orders: s.orders,
        planted: Object.fromEntries(divergenceKinds.map((k, i) => [k.name, s.plan.perKind[i] ?? 0])),
        expected: s.plan.expected,
        seed: { ...s.seed, ledgerOrdersMs: round(s.seed.ledgerOrdersMs, 0), paperOrdersMs: round(s.seed.paperOrdersMs, 0), paperFillsMs: round(s.seed.paperFillsMs, 0), vacuumAnalyzeMs: round(s.seed.vacuumAnalyzeMs, 0) },
        runs: s.runs.map((r) => ({
          run: r.run,
          wallMs: round(r.wallMs, 1),
          cpuMs: round(r.cpuMs, 0),
          serverCpuMs: r.serverCpuMs === null ? null : round(r.serverCpuMs, 0),
          gcMs: round(r.gcMs, 0),
          gcMajorCount: r.gcMajorCount,
          loadAverage1m: r.loadAverage1m,
          maxRssMiB: round(r.maxRssMiB, 0),
          peak: Object.fromEntries(Object.entries(r.peak).map(([k, v]) => [k, round(v, 0)])),
          baseline: Object.fromEntries(Object.entries(r.baseline).map(([k, v]) => [k, round(v, 0)])),
          summary: r.summary,
          phases: r.phases.map((p) => ({ phase: p.phase, ms: p.ms === null ? null : round(p.ms, 1), sqlMs: p.sqlMs === null ? null : round(p.sqlMs, 1) })),
          adapterCalls: r.adapterCalls,
        })),
        summaryMismatches: s.summaryMismatches,
        unchanged: s.unchanged,
        failures: s.failures,
      })),
      targets: checks,
      skipped: skipped ?? null,
      interrupted,
    }),
  );
}

// ---- main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  // `on`, not `once`: tsx relays the signal, so it may arrive twice.
  process.on('SIGINT', () => {
    if (interrupted) return;
    interrupted = true;
    console.error('interrupted: stopping the current run or seeding, then dropping the bench database');
    killRunningChild();
    const active = seeding;
    if (active !== undefined) {
      const canceler = new pg.Client({ connectionString: serverUrl });
      void canceler
        .connect()
        .then(() => canceler.query('select pg_cancel_backend($1)', [active.backendPid]))
        .catch(() => {})
        .finally(() => void canceler.end().catch(() => {}));
    }
  });
  const started = process.hrtime.bigint();
  console.log(`reconcile bench: ${availableParallelism()} cores, load average ${loadAverage()} (1/5/15 min), node ${process.version}`);
  const cases = requestedSizes.length === 0 ? sizeCases : sizeCases.filter((c) => requestedSizes.includes(c.orders));
  const sizes: SizeResult[] = [];
  let skipped: string | undefined;
  const unreachable = await serverReachable();
  if (unreachable !== undefined) {
    skipped = `the PostgreSQL server at ${serverUrl} is not reachable: ${unreachable}`;
    console.log(`SKIPPED: ${skipped}`);
  } else {
    const fresh = await freshDatabase();
    try {
      const ledger = await Ledger.open({ database: fresh.db });
      for (const size of cases) {
        if (interrupted) break;
        try {
          sizes.push(await benchSize(fresh, ledger, size));
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          console.log(`[${fmtInt(size.orders)}] failed: ${message}`);
          if (!interrupted) throw error;
        }
      }
      await ledger.close();
    } finally {
      if (keepDatabase) {
        await fresh.db.close();
        console.log(`kept the bench database ${fresh.name} (drop it with: psql ${serverUrl} -c 'drop database ${fresh.name}')`);
      } else await fresh.drop().catch((error: unknown) => console.error(`could not drop the bench database: ${String(error)}`));
    }
  }
  console.log(`bench finished in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
  const heapLimit = sizes.flatMap((s) => s.runs.map((r) => r.heapLimitMiB))[0] ?? mib(v8.getHeapStatistics().heap_size_limit);
  report(sizes, skipped, heapLimit);
}

if (process.env.FILLBOOK_BENCH_RECONCILE_ROLE === 'run') await childMain();
else await main();
