/**
 * History import benchmark: wall time and peak memory of `HistoryImport` bringing 1,000,000 fills
 * (250,000 orders × 4 fills) into an empty account from a fake venue that serves them in pages the
 * size real venues use.
 *
 *   npx tsx bench/history-import.ts        (or `npm run bench:import`)
 *   FILLBOOK_BENCH_IMPORT_FILLS=100000 npm run bench:import    (a quick try)
 *
 * The ledger is a fresh database on the PostgreSQL server (dropped at the end, also after Ctrl-C).
 * The import runs in a fresh child process (this same file, started with
 * FILLBOOK_BENCH_IMPORT_ROLE=run), so that its peak RSS is the import's alone; the venue is made up
 * in that process, a page at a time, from the order number (nothing of it is held whole). Afterwards
 * the parent checks in SQL that every fill is stored exactly once and every order's totals are right.
 *
 * See bench/README.md for what is measured and how to read the output. The last line printed is one
 * JSON object for machines.
 */
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { constants as perfConstants, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import pg from 'pg';
import { Decimal, type VenueFillReport, type VenueOrderReport, type VenuePositionReport } from '../src/domain/index.js';
import { Ledger } from '../src/ledger/index.js';
import { builtInVenueFactories, HistoryImport, Venues, VenueSync } from '../src/service/index.js';
import type { ImportRecord } from '../src/storage/index.js';
import { type Database, openDatabase, type SqlClient } from '../src/storage/index.js';
import type { FillPage, OrderPage, VenueAdapter } from '../src/venues/index.js';
import { createServerDatabase, killRunningChild, measureInChild as measureInChildProcess, answerParent, fmt, loadAverage, round, ServerCpu, serverUnreachableReason } from './support.js';

// ---- configuration (names end with their unit) -------------------------------------------------

const serverUrl =
  process.env.FILLBOOK_BENCH_DATABASE_URL ?? process.env.FILLBOOK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Fills imported; a multiple of `fillsPerOrder`. */
const fillCount = Number((process.env.FILLBOOK_BENCH_IMPORT_FILLS ?? '1000000').replaceAll('_', '')) || 1_000_000;
const fillsPerOrder = 4;
const orderCount = Math.floor(fillCount / fillsPerOrder);
/** The paper venue's and Alpaca's page of orders (`orderPageSizeMax`, `ordersPageSizeMax`). */
const orderPageSize = Number(process.env.FILLBOOK_BENCH_IMPORT_ORDER_PAGE ?? '') || 500;
/** The paper venue's page of fills (`fillPageSizeMax`; Binance's is 1,000, Alpaca's 100). */
const fillPageSize = Number(process.env.FILLBOOK_BENCH_IMPORT_FILL_PAGE ?? '') || 500;
/** Symbols `S0`…`S96` (a prime, so that buys and sells spread over them). */
const symbolCount = 97;
/** Each fill of an order is 1, 2, 3, 4 units (the order is 10), at 100.00 plus a cent per order number mod 50, plus the fill's number. */
const fillQuantities = [1, 2, 3, 4] as const;
const orderQuantity = fillQuantities.reduce((a, b) => a + b, 0);
/** What the account held of each symbol before the window: the venue's positions say so, the import makes it an opening balance. */
const openingQuantity = 100;
/** Order n is created at since + n × this, its fills at the next milliseconds. */
const orderSpacingMs = 10;
const memorySampleIntervalMs = 50;
const childTimeoutMs = 900_000;
/** Heap limit of the importing child (`--max-old-space-size`), to test the headroom; Node's default when unset. */
const childMaxOldSpaceMiB = Number(process.env.FILLBOOK_BENCH_IMPORT_MAX_OLD_SPACE_MB ?? '') || undefined;
/** When set, the importing child writes a CPU profile there (`--cpu-prof`). */
const childProfileDir = process.env.FILLBOOK_BENCH_IMPORT_PROFILE_DIR ?? '';

/** Set to 1 to keep the bench database (its name is printed) for a look at it afterwards; drop it yourself. */
const keepDatabase = process.env.FILLBOOK_BENCH_IMPORT_KEEP_DB === '1';

const targets = { wallMsMax: 60_000, peakRssMiBMax: 1_024 };

// ---- the fake venue: made up from the order number, a page at a time ---------------------------

const price = (n: number, i: number) => new Decimal(10_000 + (n % 50) + i).div(100);
const sideOf = (n: number) => (n % 3 === 0 ? 'sell' : 'buy');

function orderReport(since: number, n: number): VenueOrderReport {
  const at = new Date(since + n * orderSpacingMs);
  const notional = fillQuantities.reduce((sum, q, i) => sum.plus(price(n, i).times(q)), new Decimal(0));
  return {
    venueOrderId: `V-${n}`,
    clientOrderId: `c-${n}`,
    symbol: `S${n % symbolCount}`,
    assetClass: 'equity',
    side: sideOf(n),
    type: 'limit',
    timeInForce: 'day',
    quantity: new Decimal(orderQuantity),
    limitPrice: new Decimal('101'),
    stopPrice: null,
    legs: null,
    status: 'filled',
    filledQuantity: new Decimal(orderQuantity),
    avgFillPrice: notional.div(orderQuantity),
    reason: null,
    createdAt: at.toISOString(),
    updatedAt: new Date(at.getTime() + fillsPerOrder).toISOString(),
  };
}

function fillReport(since: number, k: number): VenueFillReport {
  const n = Math.floor(k / fillsPerOrder) + 1;
  const i = k % fillsPerOrder;
  return {
    execId: `V-${n}-F${i + 1}`,
    venueOrderId: `V-${n}`,
    clientOrderId: `c-${n}`,
    leg: null,
    symbol: `S${n % symbolCount}`,
    side: sideOf(n),
    quantity: new Decimal(fillQuantities[i]!),
    price: price(n, i),
    fee: new Decimal('0.01'),
    feeCurrency: 'USD',
    liquidity: 'maker',
    executedAt: new Date(since + n * orderSpacingMs + i + 1).toISOString(),
  };
}

/** Each symbol's net of all the fills (buys less sells), plus what was held before the window. */
function venuePositions(): VenuePositionReport[] {
  const net = new Map<string, number>();
  for (let n = 1; n <= orderCount; n++) net.set(`S${n % symbolCount}`, (net.get(`S${n % symbolCount}`) ?? 0) + (sideOf(n) === 'buy' ? orderQuantity : -orderQuantity));
  return Array.from({ length: symbolCount }, (_, s) => ({ symbol: `S${s}`, assetClass: 'equity' as const, netQuantity: new Decimal((net.get(`S${s}`) ?? 0) + openingQuantity) }));
}

interface VenueCalls {
  listOrders: number;
  listFills: number;
  getOrder: number;
  listPositions: number;
  /** Time inside the venue's calls (making the pages up). */
  ms: number;
}

/** A venue with `orderCount` filled orders and their fills since `since`, listed in pages (cursor: the next index). */
function fakeVenue(since: string, calls: VenueCalls): VenueAdapter {
  const sinceMs = Date.parse(since);
  const timed = <T>(work: () => T): Promise<T> => {
    const start = performance.now();
    const result = work();
    calls.ms += performance.now() - start;
    return Promise.resolve(result);
  };
  const refuse = () => Promise.reject(new Error('the bench venue only lists'));
  return {
    venue: 'paper',
    capabilities: { clientOrderId: true, idempotentSubmit: true, getByClientOrderId: false, cancel: false, fillsSince: true, ordersSince: true, positions: true, stream: false, multiLeg: false, feesSince: false },
    placeOrder: refuse,
    cancelOrder: refuse,
    getOrder: (venueOrderId) => {
      calls.getOrder++;
      const n = Number(venueOrderId.slice(2));
      return timed(() => (Number.isInteger(n) && n >= 1 && n <= orderCount ? orderReport(sinceMs, n) : undefined));
    },
    getOrderByClientId: () => Promise.resolve(undefined),
    listOpenOrders: () => Promise.resolve([]),
    listOrders: (_since, cursor) => {
      calls.listOrders++;
      return timed((): OrderPage => {
        const from = cursor == null ? 1 : Number(cursor);
        const to = Math.min(orderCount, from + orderPageSize - 1);
        const orders = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => orderReport(sinceMs, from + i));
        return { orders, cursor: to < orderCount ? String(to + 1) : null };
      });
    },
    listFills: (_since, cursor) => {
      calls.listFills++;
      return timed((): FillPage => {
        const from = cursor == null ? 0 : Number(cursor);
        const to = Math.min(fillCount, from + fillPageSize);
        const fills = Array.from({ length: to - from }, (_, i) => fillReport(sinceMs, from + i));
        return { fills, cursor: to < fillCount ? String(to) : null };
      });
    },
    listPositions: () => {
      calls.listPositions++;
      return timed(venuePositions);
    },
    subscribe: () => () => {},
    close: () => Promise.resolve(),
  };
}

// ---- the measuring child ------------------------------------------------------------------------

interface StatementStats {
  count: number;
  ms: number;
}

/** A statement's kind: its first words, the SQL's own, so that the report names what took the time. */
function statementKind(text: string): string {
  const words = text.replace(/\s+/g, ' ').trim();
  const cte = /^with (\w+) as \( (\w+ \w+ \w+)/.exec(words);
  return (cte === null ? words.slice(0, 60) : `with ${cte[1]}: ${cte[2]}`).toLowerCase();
}

/** The database with every statement timed by kind (from sending to the parsed rows). */
function probedDatabase(db: Database, stats: Map<string, StatementStats>): Database {
  const probed = (sql: SqlClient): SqlClient => ({
    async query<Row>(text: string, params?: readonly unknown[]) {
      const start = performance.now();
      try {
        return await sql.query<Row>(text, params);
      } finally {
        const s = stats.get(statementKind(text)) ?? { count: 0, ms: 0 };
        s.count++;
        s.ms += performance.now() - start;
        stats.set(statementKind(text), s);
      }
    },
    exec: (script) => sql.exec(script),
  });
  return {
    engine: db.engine,
    ...probed(db),
    transaction: (work) => db.transaction((tx) => work(probed(tx))),
    withAdvisoryLock: (name, work) => db.withAdvisoryLock(name, work),
    copyRows: (select, onRows) => db.copyRows(select, onRows),
    close: () => db.close(),
  };
}

interface ChildRequest {
  databaseUrl: string;
  accountId: string;
  since: string;
}

interface RunResult {
  wallMs: number;
  cpuMs: number;
  /** CPU of the server processes of the import's connections (see `ServerCpu`); null when /proc could not be read. */
  serverCpuMs: number | null;
  gcMs: number;
  gcMajorCount: number;
  /** Wall time of each phase (orders, fills, positions: opening balances and finishing). */
  phases: Record<string, number>;
  job: ImportRecord;
  venue: VenueCalls;
  /** The statements that took the most time, by kind. */
  statements: [string, StatementStats][];
  loadAverage1m: number;
  baselineRssMiB: number;
  sampledRssMiB: number;
  peakHeapUsedMiB: number;
  maxRssMiB: number;
  heapLimitMiB: number;
}


const mib = (bytes: number) => bytes / 1_048_576;

async function childMain(): Promise<void> {
  await answerParent<ChildRequest, RunResult>('FILLBOOK_BENCH_IMPORT_CHILD', 'bench/history-import.ts', async (request) => {
    const raw = await openDatabase({ databaseUrl: request.databaseUrl });
    const stats = new Map<string, StatementStats>();
    const db = probedDatabase(raw, stats);
    const ledger = await Ledger.open({ database: db });
    stats.clear();
    const calls: VenueCalls = { listOrders: 0, listFills: 0, getOrder: 0, listPositions: 0, ms: 0 };
    const venues = new Venues(ledger, { ...builtInVenueFactories, paper: () => fakeVenue(request.since, calls) });
    const imports = new HistoryImport(ledger, venues, new VenueSync(ledger));

    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const baselineRssMiB = mib(process.memoryUsage().rss);
    let sampledRssMiB = baselineRssMiB;
    let peakHeapUsedMiB = 0;
    const sample = () => {
      const m = process.memoryUsage();
      sampledRssMiB = Math.max(sampledRssMiB, mib(m.rss));
      peakHeapUsedMiB = Math.max(peakHeapUsedMiB, mib(m.heapUsed));
    };
    let gcMs = 0;
    let gcMajorCount = 0;
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        gcMs += entry.duration;
        if ((entry as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) gcMajorCount++;
      }
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    const sampler = setInterval(sample, memorySampleIntervalMs);
    const phaseStarts: [string, number][] = [];
    const serverCpu = new ServerCpu();
    await serverCpu.start(request.databaseUrl);
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const { done } = await imports.start(
      { accountId: request.accountId, since: request.since, startedBy: 'bench' },
      {
        onProgress: (job) => {
          if (phaseStarts.at(-1)?.[0] !== job.phase) phaseStarts.push([job.phase, performance.now()]);
        },
      },
    );
    const job = await done;
    const end = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpuMs = await serverCpu.stop();
    sample();
    clearInterval(sampler);
    await new Promise((resolve) => setTimeout(resolve, 100));
    gcObserver.disconnect();
    const phases: Record<string, number> = {};
    for (const [i, [phase, at]] of phaseStarts.entries()) if (phase !== 'done') phases[phase] = (phaseStarts[i + 1]?.[1] ?? end) - at;
    const result: RunResult = {
      wallMs: end - start,
      cpuMs: (cpu.user + cpu.system) / 1000,
      serverCpuMs: serverCpu.readable ? serverCpuMs : null,
      gcMs,
      gcMajorCount,
      phases,
      job,
      venue: calls,
      statements: [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 10),
      loadAverage1m: loadavg()[0] ?? Number.NaN,
      baselineRssMiB,
      sampledRssMiB,
      peakHeapUsedMiB,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      heapLimitMiB: mib(v8.getHeapStatistics().heap_size_limit),
    };
    await venues.closeAll();
    await ledger.close();
    await raw.close();
    return result;
  });
}

/** One measured import in a fresh process (its RSS is the import's alone). */
async function measureInChild(request: ChildRequest): Promise<RunResult> {
  const execArgv = [
    // No --cpu-prof-name: tsx's loader thread writes a profile too, and one name would make the two overwrite each other.
    ...(childProfileDir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${childProfileDir}`]),
  ];
  return measureInChildProcess<RunResult>(fileURLToPath(import.meta.url), {
    env: { FILLBOOK_BENCH_IMPORT_ROLE: 'run', FILLBOOK_BENCH_IMPORT_CHILD: JSON.stringify(request) },
    execArgv,
    maxOldSpaceMiB: childMaxOldSpaceMiB,
    timeoutMs: childTimeoutMs,
    what: 'the import',
  });
}

// ---- checks (SQL, after the import) ---------------------------------------------------------------

interface Check {
  check: string;
  expected: string;
  got: string;
  pass: boolean;
}

async function verify(sql: { query<R>(text: string, params?: readonly unknown[]): Promise<R[]> }, accountId: string, job: ImportRecord): Promise<Check[]> {
  const checks: Check[] = [];
  const check = (name: string, expected: unknown, got: unknown) => checks.push({ check: name, expected: String(expected), got: String(got), pass: String(expected) === String(got) });
  const [fills] = await sql.query<{ n: string; execs: string; named: string; quantity: string; fees: string }>(
    `select count(*) as n, count(distinct exec_id) as execs, count(*) filter (where exec_id ~ '^V-[0-9]+-F[1-4]$') as named,
       sum(quantity)::text as quantity, sum(fee)::text as fees from fills where account_id = $1`,
    [accountId],
  );
  check('fills stored', fillCount, fills!.n);
  check('distinct exec ids among them (each fill once)', fillCount, fills!.execs);
  check('fills with an exec id the venue listed', fillCount, fills!.named);
  check('sum of fill quantities', orderCount * orderQuantity, new Decimal(fills!.quantity ?? '0').toFixed());
  check('sum of fill fees', new Decimal('0.01').times(fillCount).toFixed(), new Decimal(fills!.fees ?? '0').toFixed());
  const [orders] = await sql.query<{ n: string; right: string; events: string; quarantined: string }>(
    `select count(*) as n,
       count(*) filter (where o.status = 'filled' and o.origin = 'import' and o.qty_filled = ${orderQuantity} and f.quantity = o.qty_filled
                          and f.n = ${fillsPerOrder} and o.filled_notional = f.notional and o.fees = f.fees and o.qty_remaining = 0) as right,
       (select count(*) from order_events where account_id = $1) as events,
       (select count(*) from fill_quarantine where account_id = $1) as quarantined
     from orders o left join (
       select order_id, count(*) as n, sum(quantity) as quantity, sum(quantity * price) as notional, sum(fee) as fees
       from fills where account_id = $1 group by order_id
     ) f on f.order_id = o.id
     where o.account_id = $1`,
    [accountId],
  );
  check('orders stored', orderCount, orders!.n);
  check('orders filled, with qty, notional and fees equal to the sums of their fills', orderCount, orders!.right);
  // created, submitted, accepted, and one filled per fill.
  check('order events (created, submitted, accepted, 4 filled per order)', orderCount * (3 + fillsPerOrder), orders!.events);
  check('quarantined fills', 0, orders!.quarantined);
  const [balances] = await sql.query<{ n: string; right: string }>(
    `select count(*) as n, count(*) filter (where quantity = ${openingQuantity}) as right from opening_balances where account_id = $1`,
    [accountId],
  );
  check(`opening balances (${openingQuantity} of each symbol)`, `${symbolCount}/${symbolCount}`, `${balances!.right}/${balances!.n}`);
  check('import job', `completed ${orderCount} ${orderCount} ${fillCount} ${fillCount} 0 ${symbolCount}`,
    `${job.status} ${job.counts.ordersSeen} ${job.counts.adopted} ${job.counts.fillsSeen} ${job.counts.imported} ${job.counts.quarantined} ${job.counts.openingBalances}`);
  return checks;
}

// ---- main ---------------------------------------------------------------------------------------

const fmtS = (ms: number | undefined) => fmt(ms === undefined ? ms : ms / 1000, 2);
const fmtInt = (n: number) => n.toLocaleString('en-US');

async function main(): Promise<void> {
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) return;
    interrupted = true;
    console.error('interrupted: stopping the import, then dropping the bench database');
    killRunningChild();
  });
  const started = performance.now();
  console.log(`history import bench: ${availableParallelism()} cores, load average ${loadAverage()} (1/5/15 min), node ${process.version}`);
  let skipped: string | undefined;
  let run: RunResult | undefined;
  let failure: string | undefined;
  let checks: Check[] = [];
  const unreachable = await serverUnreachableReason(serverUrl);
  if (unreachable !== undefined) {
    skipped = `the PostgreSQL server at ${serverUrl} is not reachable: ${unreachable}`;
    console.log(`SKIPPED: ${skipped}`);
  } else {
    const fresh = await createServerDatabase(serverUrl);
    try {
      const ledger = await Ledger.open({ database: fresh.db });
      const account = await ledger.createAccount({ name: `bench import ${fillCount}`, venue: 'paper' });
      const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
      console.log(`importing ${fmtInt(orderCount)} orders and ${fmtInt(fillCount)} fills in pages of ${orderPageSize} orders and ${fillPageSize} fills …`);
      try {
        run = await measureInChild({ databaseUrl: fresh.url, accountId: account.id, since });
        console.log(`imported in ${fmtS(run.wallMs)} s, peak RSS ${fmt(run.maxRssMiB, 0)} MiB, load average ${loadAverage()}; checking …`);
        checks = await verify(fresh.db, account.id, run.job);
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
        console.log(interrupted ? 'abandoned (interrupted)' : `FAILED: ${failure}`);
      }
      await ledger.close();
    } finally {
      if (keepDatabase) {
        await fresh.db.close();
        console.log(`kept the bench database ${fresh.name} (drop it with: psql ${serverUrl} -c 'drop database ${fresh.name}')`);
      } else await fresh.drop().catch((error: unknown) => console.error(`could not drop the bench database: ${String(error)}`));
    }
  }
  console.log(`bench finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const targetChecks =
    run === undefined
      ? []
      : [
          { target: 'wall time of the import, ms', value: round(run.wallMs, 0), threshold: targets.wallMsMax, pass: run.wallMs < targets.wallMsMax },
          { target: 'peak RSS of the importing process, MiB', value: round(run.maxRssMiB, 0), threshold: targets.peakRssMiBMax, pass: run.maxRssMiB < targets.peakRssMiBMax },
        ];
  console.log('');
  console.log(`History import: HistoryImport of ${fmtInt(orderCount)} orders × ${fillsPerOrder} fills = ${fmtInt(fillCount)} fills into an empty account, PostgreSQL server`);
  console.log(`  a fake venue made up page by page (${orderPageSize} orders, ${fillPageSize} fills a page); a fresh Node process (tsx), pool of 10 connections;`);
  console.log(`  node ${process.version}, cores: ${availableParallelism()}, memory ${fmt(mib(totalmem()) / 1024, 0)} GiB, load average now: ${loadAverage()}`);
  if (run !== undefined) {
    console.log('');
    console.log(
      `  wall ${fmtS(run.wallMs)} s (orders ${fmtS(run.phases.orders)} s, fills ${fmtS(run.phases.fills)} s, opening balances and finish ${fmtS(run.phases.positions)} s); ` +
        `node CPU ${fmtS(run.cpuMs)} s, GC pauses ${fmtS(run.gcMs)} s (${run.gcMajorCount} major); server CPU of its connections ${run.serverCpuMs === null ? 'n/a' : `${fmtS(run.serverCpuMs)} s`}`,
    );
    console.log(
      `  peak RSS ${fmt(run.maxRssMiB, 0)} MiB (kernel's high-water mark; sampled ${fmt(run.sampledRssMiB, 0)}, before ${fmt(run.baselineRssMiB, 0)}), peak heap used ${fmt(run.peakHeapUsedMiB, 0)} MiB, heap limit ${fmt(run.heapLimitMiB, 0)} MiB`,
    );
    console.log(
      `  venue: ${run.venue.listOrders} order pages, ${run.venue.listFills} fill pages, ${run.venue.getOrder} order lookups, ${fmtS(run.venue.ms)} s making them up; ` +
        `job: ${run.job.counts.pages} pages, load 1m at the end ${fmt(run.loadAverage1m, 2)}`,
    );
    console.log('  statements taking the most time (count, summed ms from sending to parsed rows):');
    for (const [kind, s] of run.statements) console.log(`    ${fmtInt(s.count).padStart(9)}  ${fmt(s.ms, 0).padStart(8)} ms  ${kind}`);
  }
  console.log('');
  console.log('Checks (SQL after the import):');
  if (failure !== undefined) console.log(`  FAIL  the import: ${failure}`);
  for (const c of checks) console.log(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.check}: ${c.got}${c.pass ? '' : ` (expected ${c.expected})`}`);
  console.log('');
  console.log('Targets (this machine):');
  if (skipped !== undefined) console.log(`  none checked: ${skipped}`);
  for (const t of targetChecks) console.log(`  ${t.pass ? 'PASS' : 'FAIL'}  ${fmtInt(fillCount)} fills: ${t.target}: ${fmtInt(t.value)} < ${fmtInt(t.threshold)}`);
  if (fillCount !== 1_000_000 && run !== undefined) console.log(`  (the targets are for 1,000,000 fills; this run imported ${fmtInt(fillCount)})`);
  const failed = targetChecks.filter((t) => !t.pass).length + checks.filter((c) => !c.pass).length + (failure === undefined ? 0 : 1);
  if (failed > 0) console.log(`${failed} check(s) or target(s) FAILED (the bench is a report; exit status stays 0).`);
  else if (run !== undefined) console.log('All checks and targets met.');
  console.log('Figures are noisy on a small shared machine: other processes (tests, other benches, the server itself) compete for the same 2 cores.');
  console.log('');
  console.log(
    JSON.stringify({
      bench: 'history-import',
      config: { orders: orderCount, fillsPerOrder, fills: fillCount, orderPageSize, fillPageSize, symbolCount, childMaxOldSpaceMiB: childMaxOldSpaceMiB ?? null },
      run:
        run === undefined
          ? null
          : {
              wallMs: round(run.wallMs, 0),
              cpuMs: round(run.cpuMs, 0),
              serverCpuMs: run.serverCpuMs === null ? null : round(run.serverCpuMs, 0),
              gcMs: round(run.gcMs, 0),
              gcMajorCount: run.gcMajorCount,
              phases: Object.fromEntries(Object.entries(run.phases).map(([k, v]) => [k, round(v, 0)])),
              maxRssMiB: round(run.maxRssMiB, 0),
              sampledRssMiB: round(run.sampledRssMiB, 0),
              peakHeapUsedMiB: round(run.peakHeapUsedMiB, 0),
              loadAverage1m: run.loadAverage1m,
              counts: run.job.counts,
              venue: { ...run.venue, ms: round(run.venue.ms, 0) },
              statements: Object.fromEntries(run.statements.map(([k, v]) => [k, { count: v.count, ms: round(v.ms, 0) }])),
            },
      checks,
      targets: targetChecks,
      failure: failure ?? null,
      skipped: skipped ?? null,
      interrupted,
    }),
  );
}

if (process.env.FILLBOOK_BENCH_IMPORT_ROLE === 'run') await childMain();
else await main();
