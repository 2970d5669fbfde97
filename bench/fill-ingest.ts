/**
 * Fill-ingest benchmark: durable fills per second and per-fill latency through `Ledger.recordFill`,
 * next to the same durable work written by hand in SQL, on each storage engine.
 *
 *   npx tsx bench/fill-ingest.ts        (or `npm run bench`)
 *
 * See bench/README.md for what is measured and how to read the output. The last line printed is one
 * JSON object for machines.
 */
import { availableParallelism } from 'node:os';
import { Ledger } from '../src/ledger/index.js';
import { type Database, type EngineName, type SqlClient } from '../src/storage/index.js';
import { freshBenchDatabase, loadAverage, round, serverUnreachableReason, fmt, percentile } from './support.js';

// ---- configuration (names end with their unit) -------------------------------------------------

/** Measured time per round; each case runs `roundsPerCase` rounds, alternating ledger / hand-written. */
const roundDurationMs = 2_500;
const roundsPerCase = 2;
/** Unmeasured fills before each round: JIT, plan caches, pool connections, buffer cache. */
const warmupDurationMs = 500;
const writerCounts = [1, 8] as const;
const writersMax = Math.max(...writerCounts);
/** Connections in the server pool: one per writer and a little slack, as a service would have. */
const poolSize = writersMax + 2;
/** Each writer fills its own orders (in its own account), round robin. */
const ordersPerWriter = 4;
/** Large enough that no order completes during the bench: every fill is a partial fill. */
const orderQuantityShares = '1000000000';
const fillQuantityShares = '1';
const fillFeeUsd = '0.01';

/** Targets, checked on the PostgreSQL server. */
const throughputRatioMin = 0.5;
const latencyP99MsMax = 10;
const latencyTargetWriters = 8;

const serverUrl =
  process.env.FILLBOOK_BENCH_DATABASE_URL ?? process.env.FILLBOOK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const requestedEngines = (process.env.FILLBOOK_BENCH_ENGINES ?? 'pglite,postgres').split(',').map((s) => s.trim());

// ---- fixtures -----------------------------------------------------------------------------------

type PathName = 'ledger' | 'hand-written';

interface Writer {
  accountId: string;
  orderIds: string[];
}

/** One fill as both paths receive it. */
interface FillInput {
  accountId: string;
  orderId: string;
  execId: string;
  quantity: string;
  price: string;
  fee: string;
}

type PostFill = (fill: FillInput) => Promise<void>;

let execSeq = 0;
function nextFill(writer: Writer, n: number): FillInput {
  execSeq += 1;
  const orderId = writer.orderIds[n % writer.orderIds.length];
  if (orderId === undefined) throw new Error('a writer has no orders');
  return {
    accountId: writer.accountId,
    orderId,
    execId: `bench-${process.pid}-${execSeq}`,
    quantity: fillQuantityShares,
    // Prices move a little so the average price is real arithmetic, not a constant.
    price: (100 + (execSeq % 200) / 100).toFixed(2),
    fee: fillFeeUsd,
  };
}

/**
 * `FILLBOOK_BENCH_ACCOUNTS=one` puts every writer on one account (each on its own orders), as one
 * bot's stream, webhooks and poller would be: the case where the ledger's group commit coalesces
 * concurrent fills into shared transactions. By default each writer has its own account.
 */
const writersShareAccount = process.env.FILLBOOK_BENCH_ACCOUNTS === 'one';

async function createWriters(ledger: Ledger, count: number, label: string): Promise<Writer[]> {
  const writers: Writer[] = [];
  const shared = writersShareAccount ? await ledger.createAccount({ name: `bench ${label} shared` }) : undefined;
  for (let w = 0; w < count; w++) {
    const account = shared ?? (await ledger.createAccount({ name: `bench ${label} writer ${w}` }));
    const orderIds: string[] = [];
    for (let o = 0; o < ordersPerWriter; o++) {
      const { order } = await ledger.recordOrder({
        accountId: account.id,
        symbol: 'BENCH',
        side: 'buy',
        type: 'market',
        quantity: orderQuantityShares,
        timeInForce: 'gtc',
      });
      orderIds.push(order.id);
    }
    writers.push({ accountId: account.id, orderIds });
  }
  return writers;
}

// ---- the two paths ------------------------------------------------------------------------------

function ledgerPath(ledger: Ledger): PostFill {
  return async (f) => {
    const result = await ledger.recordFill({
      order: { orderId: f.orderId, accountId: f.accountId },
      execId: f.execId,
      quantity: f.quantity,
      price: f.price,
      fee: f.fee,
      feeCurrency: 'USD',
      liquidity: 'taker',
      source: 'broker_stream',
    });
    if (result.outcome !== 'recorded') throw new Error(`fill ${f.execId} was not recorded: ${result.outcome}`);
  };
}

/** Statuses a fill may be applied in by the hand-written path (the bench's orders are pending_submit, then partially_filled). */
const handFillableStatuses = new Set(['pending_submit', 'submitted', 'open', 'partially_filled']);

const handLockSql = `select status, version, qty_filled + $3::numeric <= quantity as fits
  from orders where account_id = $1 and id = $2 for update`;

const handInsertFillSql = `insert into fills (account_id, id, order_id, exec_id, quantity, price, fee, fee_currency, liquidity,
    executed_at, received_at, source)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
  on conflict (account_id, exec_id) do nothing returning id`;

const handUpdateOrderSql = `update orders set
    qty_filled = qty_filled + $3::numeric,
    qty_remaining = quantity - (qty_filled + $3::numeric),
    filled_notional = filled_notional + $3::numeric * $4::numeric,
    avg_fill_price = trim_scale(round((filled_notional + $3::numeric * $4::numeric) / (qty_filled + $3::numeric), 12)),
    fees = fees + $5::numeric,
    fee_currency = coalesce(fee_currency, $6::text),
    status = case when qty_filled + $3::numeric = quantity then 'filled' else 'partially_filled' end,
    completed_at = case when qty_filled + $3::numeric = quantity then coalesce(completed_at, $7::timestamptz) else completed_at end,
    version = version + 1,
    updated_at = $8::timestamptz,
    first_fill_at = least(first_fill_at, $7::timestamptz),
    last_fill_at = greatest(last_fill_at, $7::timestamptz)
  where account_id = $1 and id = $2`;

const handInsertEventSql = `insert into order_events (account_id, order_id, seq, type, source, occurred_at, recorded_at, payload)
  values ($1, $2, $3, 'filled', $4, $5, $6, $7)`;

/**
 * What a careful person would write by hand for the same durable work, through the same
 * `Database.transaction` (same pool, same BEGIN/COMMIT, same retry policy) the ledger uses:
 * lock the order, insert the fill (exec id deduplicated by the unique key), update the order's
 * running totals in SQL, append the audit event with the same JSON payload shape, commit.
 */
function handWrittenPath(db: Database): PostFill {
  return async (f) => {
    await db.transaction(async (tx: SqlClient) => {
      const [order] = await tx.query<{ status: string; version: number; fits: boolean }>(handLockSql, [f.accountId, f.orderId, f.quantity]);
      if (order === undefined) throw new Error(`order ${f.orderId} not found`);
      if (!order.fits || !handFillableStatuses.has(order.status)) throw new Error(`fill ${f.execId} refused by order ${f.orderId} (${order.status})`);
      const at = new Date().toISOString();
      const fillId = crypto.randomUUID();
      const inserted = await tx.query(handInsertFillSql, [
        f.accountId, fillId, f.orderId, f.execId, f.quantity, f.price, f.fee, 'USD', 'taker', at, at, 'broker_stream',
      ]);
      if (inserted.length === 0) throw new Error(`fill ${f.execId} was a duplicate`);
      await tx.query(handUpdateOrderSql, [f.accountId, f.orderId, f.quantity, f.price, f.fee, 'USD', at, at]);
      const payload = {
        fill: {
          id: fillId, account_id: f.accountId, order_id: f.orderId, exec_id: f.execId, quantity: f.quantity, price: f.price,
          fee: f.fee, fee_currency: 'USD', liquidity: 'taker', executed_at: at, received_at: at, source: 'broker_stream',
        },
      };
      await tx.query(handInsertEventSql, [f.accountId, f.orderId, Number(order.version) + 1, 'broker_stream', at, at, JSON.stringify(payload)]);
    });
  };
}

// ---- driving and measuring ----------------------------------------------------------------------

interface RoundResult {
  fills: number;
  errors: number;
  elapsedNs: bigint;
  /** CPU time of this Node process (user + system) over the round: the client side's cost. */
  cpuUs: number;
  latenciesMs: number[];
  firstError?: string;
}

let interrupted = false;

/** Every writer posts fills back to back (each awaits its commit) until the deadline. */
async function drive(post: PostFill, writers: Writer[], durationMs: number): Promise<RoundResult> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  await Promise.all(
    writers.map(async (writer) => {
      for (let n = 0; !interrupted && process.hrtime.bigint() < deadline; n++) {
        const fill = nextFill(writer, n);
        const before = process.hrtime.bigint();
        try {
          await post(fill);
          latenciesMs.push(Number(process.hrtime.bigint() - before) / 1e6);
        } catch (error) {
          errors += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  const elapsedNs = process.hrtime.bigint() - start;
  const cpu = process.cpuUsage(cpuBefore);
  return { fills: latenciesMs.length, errors, elapsedNs, cpuUs: cpu.user + cpu.system, latenciesMs, ...(firstError === undefined ? {} : { firstError }) };
}

interface CaseResult {
  engine: EngineName;
  writers: number;
  path: PathName;
  fills: number;
  errors: number;
  elapsedMs: number;
  fillsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Node CPU per fill; on PGlite this includes the engine, which runs in-process. */
  cpuUsPerFill: number;
  firstError?: string;
}

function summarize(engine: EngineName, writers: number, path: PathName, rounds: RoundResult[]): CaseResult {
  const fills = rounds.reduce((sum, r) => sum + r.fills, 0);
  const errors = rounds.reduce((sum, r) => sum + r.errors, 0);
  const elapsedMs = Number(rounds.reduce((sum, r) => sum + r.elapsedNs, 0n)) / 1e6;
  const cpuUs = rounds.reduce((sum, r) => sum + r.cpuUs, 0);
  const sorted = Float64Array.from(rounds.flatMap((r) => r.latenciesMs)).sort();
  const firstError = rounds.find((r) => r.firstError !== undefined)?.firstError;
  return {
    engine,
    writers,
    path,
    fills,
    errors,
    elapsedMs: round(elapsedMs, 1),
    fillsPerSecond: round(elapsedMs > 0 ? (fills * 1000) / elapsedMs : 0, 1),
    p50Ms: round(percentile(sorted, 0.5), 3),
    p99Ms: round(percentile(sorted, 0.99), 3),
    cpuUsPerFill: round(fills > 0 ? cpuUs / fills : Number.NaN, 0),
    ...(firstError === undefined ? {} : { firstError }),
  };
}



// ---- engines ------------------------------------------------------------------------------------

interface BenchDatabase {
  db: Database;
  drop(): Promise<void>;
}

const serverReachable = () => serverUnreachableReason(serverUrl);

/** A throwaway database: PGlite in memory, or a new database on the server, dropped afterwards. */
const freshDatabase = (engine: EngineName): Promise<BenchDatabase> => freshBenchDatabase(engine, serverUrl, poolSize);

/** Wraps a database to count the statements each fill sends (BEGIN/COMMIT are sent by `transaction` itself). */
function countingDatabase(db: Database): { db: Database; statements: () => number; roundTrips: () => number; reset: () => void } {
  let count = 0;
  let transactions = 0;
  const counting = (sql: SqlClient): SqlClient => ({
    query: (text, params) => {
      count += 1;
      return sql.query(text, params);
    },
    exec: (script) => {
      count += 1;
      return sql.exec(script);
    },
  });
  const wrapped: Database = {
    engine: db.engine,
    ...counting(db),
    transaction: (work) => {
      transactions += 1;
      return db.transaction((tx) => work(counting(tx)));
    },
    withAdvisoryLock: (name, work) => db.withAdvisoryLock(name, work),
    copyRows: (select, onRows) => db.copyRows(select, onRows),
    close: () => db.close(),
  };
  // On the server BEGIN and COMMIT are a round trip each.
  return { db: wrapped, statements: () => count, roundTrips: () => count + 2 * transactions, reset: () => (count = transactions = 0) };
}

interface StatementCounts {
  engine: EngineName;
  ledger: number;
  handWritten: number;
  ledgerRoundTrips: number;
  handWrittenRoundTrips: number;
}

async function countStatements(engine: EngineName, db: Database): Promise<StatementCounts> {
  const counter = countingDatabase(db);
  const ledger = await Ledger.open({ database: counter.db });
  const [writer] = await createWriters(ledger, 1, 'statement count');
  if (writer === undefined) throw new Error('no writer');
  counter.reset();
  await ledgerPath(ledger)(nextFill(writer, 0));
  const [ledgerCount, ledgerRoundTrips] = [counter.statements(), counter.roundTrips()];
  counter.reset();
  await handWrittenPath(counter.db)(nextFill(writer, 1));
  return { engine, ledger: ledgerCount, handWritten: counter.statements(), ledgerRoundTrips, handWrittenRoundTrips: counter.roundTrips() };
}

interface Consistency {
  engine: EngineName;
  orders: number;
  fills: number;
  inconsistentOrders: number;
}

/**
 * Both paths must have done the same complete work: every order's totals and version agree with its
 * fills and its event trail. A path that skipped work would look faster; this would catch it.
 */
async function checkConsistency(db: Database): Promise<Omit<Consistency, 'engine'>> {
  const [row] = await db.query<{ orders: string; fills: string; bad: string }>(`
    select count(*) as orders, coalesce(sum(f.n), 0) as fills,
      count(*) filter (where o.qty_filled <> coalesce(f.qty, 0) or o.filled_notional <> coalesce(f.notional, 0)
        or o.fees <> coalesce(f.fees, 0) or o.qty_remaining <> o.quantity - o.qty_filled or o.version <> e.n
        or (o.qty_filled > 0) <> (o.status = 'partially_filled')) as bad
    from orders o
    left join (select account_id, order_id, count(*) as n, sum(quantity) as qty, sum(quantity * price) as notional, sum(fee) as fees
               from fills group by account_id, order_id) f on f.account_id = o.account_id and f.order_id = o.id
    left join (select account_id, order_id, count(*) as n from order_events group by account_id, order_id) e
      on e.account_id = o.account_id and e.order_id = o.id`);
  return { orders: Number(row?.orders ?? 0), fills: Number(row?.fills ?? 0), inconsistentOrders: Number(row?.bad ?? Number.NaN) };
}

async function benchEngine(engine: EngineName, results: CaseResult[], statements: StatementCounts[], consistency: Consistency[]): Promise<void> {
  const opened = process.hrtime.bigint();
  const fresh = await freshDatabase(engine);
  try {
    const ledger = await Ledger.open({ database: fresh.db });
    console.log(`[${engine}] database ready in ${(Number(process.hrtime.bigint() - opened) / 1e6).toFixed(0)} ms`);
    statements.push(await countStatements(engine, fresh.db));
    const paths: Record<PathName, PostFill> = { ledger: ledgerPath(ledger), 'hand-written': handWrittenPath(fresh.db) };
    for (const writers of writerCounts) {
      const rounds: Record<PathName, RoundResult[]> = { ledger: [], 'hand-written': [] };
      for (let r = 0; r < roundsPerCase && !interrupted; r++) {
        // ABBA order, so neither path always runs first (on a warmer or a more bloated database).
        const order: PathName[] = r % 2 === 0 ? ['ledger', 'hand-written'] : ['hand-written', 'ledger'];
        for (const path of order) {
          if (interrupted) break;
          const fixtures = await createWriters(ledger, writers, `${engine} ${path} ${writers}w r${r}`);
          await drive(paths[path], fixtures, warmupDurationMs);
          const result = await drive(paths[path], fixtures, roundDurationMs);
          rounds[path].push(result);
          console.log(
            `[${engine}] ${writers} writer(s) round ${r + 1}/${roundsPerCase} ${path.padEnd(12)} ` +
              `${result.fills} fills in ${(Number(result.elapsedNs) / 1e6).toFixed(0)} ms` +
              (result.errors > 0 ? `, ${result.errors} errors (first: ${result.firstError})` : ''),
          );
        }
      }
      for (const path of ['ledger', 'hand-written'] as const) {
        if (rounds[path].length > 0) results.push(summarize(engine, writers, path, rounds[path]));
      }
    }
    consistency.push({ engine, ...(await checkConsistency(fresh.db)) });
    await ledger.close();
  } finally {
    await fresh.drop().catch((error: unknown) => console.error(`[${engine}] could not drop the bench database: ${String(error)}`));
  }
}

// ---- report -------------------------------------------------------------------------------------

interface TargetCheck {
  target: string;
  engine: EngineName;
  writers: number;
  value: number;
  threshold: number;
  pass: boolean;
}

function report(results: CaseResult[], statements: StatementCounts[], consistency: Consistency[], skipped: { engine: string; reason: string }[]): void {
  const find = (engine: EngineName, writers: number, path: PathName) =>
    results.find((r) => r.engine === engine && r.writers === writers && r.path === path);
  const ratios: { engine: EngineName; writers: number; ratio: number }[] = [];
  const checks: TargetCheck[] = [];
  for (const r of results) {
    if (r.path !== 'ledger') continue;
    const hand = find(r.engine, r.writers, 'hand-written');
    if (hand === undefined || hand.fillsPerSecond === 0) continue;
    const ratio = round(r.fillsPerSecond / hand.fillsPerSecond, 3);
    ratios.push({ engine: r.engine, writers: r.writers, ratio });
    if (r.engine === 'postgres') {
      checks.push({ target: 'ledger/hand-written throughput', engine: r.engine, writers: r.writers, value: ratio, threshold: throughputRatioMin, pass: ratio >= throughputRatioMin });
    }
  }
  const loaded = find('postgres', latencyTargetWriters, 'ledger');
  if (loaded !== undefined) {
    checks.push({ target: 'ledger p99 latency ms', engine: 'postgres', writers: latencyTargetWriters, value: loaded.p99Ms, threshold: latencyP99MsMax, pass: loaded.p99Ms < latencyP99MsMax });
  }

  const header = ['engine', 'writers', 'path', 'fills', 'fills/s', 'p50 ms', 'p99 ms', 'node cpu us/fill', 'errors', 'ledger/hand', 'target'];
  const rows: string[][] = results.map((r) => {
    const ratio = ratios.find((x) => x.engine === r.engine && x.writers === r.writers);
    const targets: string[] = [];
    if (r.path === 'ledger' && r.engine === 'postgres') {
      const ratioCheck = checks.find((c) => c.target.startsWith('ledger/hand') && c.writers === r.writers);
      if (ratioCheck !== undefined) targets.push(`thru >= ${throughputRatioMin * 100}% ${ratioCheck.pass ? 'PASS' : 'FAIL'}`);
      if (r.writers === latencyTargetWriters) targets.push(`p99 < ${latencyP99MsMax} ms ${r.p99Ms < latencyP99MsMax ? 'PASS' : 'FAIL'}`);
    } else if (r.path === 'ledger') {
      targets.push('(no target)');
    }
    return [
      r.engine, String(r.writers), r.path, String(r.fills), fmt(r.fillsPerSecond, 0), fmt(r.p50Ms, 2), fmt(r.p99Ms, 2), fmt(r.cpuUsPerFill, 0), String(r.errors),
      r.path === 'ledger' && ratio !== undefined ? fmt(ratio.ratio, 2) : '', targets.join('; '),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 3 && i <= 9 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();

  console.log('');
  console.log(`Fill ingest: durable fills through Ledger.recordFill vs hand-written SQL (Database.transaction)`);
  console.log(`  ${roundsPerCase} rounds x ${roundDurationMs} ms per case (after ${warmupDurationMs} ms warm-up each), fills of ${fillQuantityShares} share,`);
  console.log(`  ${writersShareAccount ? 'all writers on one account, each with' : 'each writer on its own account and'} ${ordersPerWriter} orders; pool ${poolSize} connections; node ${process.version}, cores: ${availableParallelism()}, load average now: ${loadAverage()}`);
  console.log('');
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  let previous: string | undefined;
  for (const [i, row] of rows.entries()) {
    const r = results[i];
    const group = r === undefined ? '' : `${r.engine}/${r.writers}`;
    if (previous !== undefined && group !== previous) console.log('');
    previous = group;
    console.log(line(row));
  }
  for (const s of skipped) console.log(`${s.engine}: SKIPPED (${s.reason})`);
  console.log('');
  for (const s of statements) {
    console.log(
      `[${s.engine}] SQL statements per fill: ledger ${s.ledger}, hand-written ${s.handWritten}` +
        (s.engine === 'postgres' ? ` => ${s.ledgerRoundTrips} vs ${s.handWrittenRoundTrips} round trips (BEGIN and COMMIT included)` : ''),
    );
  }
  for (const c of consistency) {
    console.log(
      `[${c.engine}] consistency after the runs: ${c.orders} orders, ${c.fills} fills, ` +
        (c.inconsistentOrders === 0 ? 'every order agrees with its fills and events: OK' : `${c.inconsistentOrders} orders DISAGREE with their fills/events`),
    );
  }
  console.log('');
  console.log('Targets (PostgreSQL server):');
  if (checks.length === 0) console.log('  none checked: the PostgreSQL server was not benchmarked');
  for (const c of checks) {
    const comparison = c.target.startsWith('ledger/hand') ? `${fmt(c.value, 2)} >= ${c.threshold}` : `${fmt(c.value, 2)} < ${c.threshold}`;
    console.log(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.target}, ${c.writers} writer(s): ${comparison}`);
  }
  const expected = results.some((r) => r.engine === 'postgres') ? writerCounts.length + 1 : 0;
  if (checks.length < expected) console.log(`  ${expected - checks.length} target(s) NOT MEASURED (the run was cut short)`);
  if (interrupted) console.log('INTERRUPTED: the figures above are partial.');
  const failed = checks.filter((c) => !c.pass).length;
  if (failed > 0) console.log(`${failed} target(s) FAILED (the bench is a report; exit status stays 0).`);
  else if (checks.length > 0 && checks.length === expected) console.log('All targets met.');
  console.log('Figures are noisy on a small shared machine: other processes (tests, the server itself) compete for the same cores.');
  console.log('');
  console.log(
    JSON.stringify({
      bench: 'fill-ingest',
      config: { roundDurationMs, roundsPerCase, warmupDurationMs, writerCounts, ordersPerWriter, poolSize, handWrittenVia: 'Database.transaction' },
      results,
      ratios,
      statementsPerFill: statements,
      consistency,
      targets: checks,
      skipped,
      interrupted,
    }),
  );
}


// ---- main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  process.once('SIGINT', () => {
    interrupted = true;
    console.error('interrupted: finishing the current round, then cleaning up');
  });
  const results: CaseResult[] = [];
  const statements: StatementCounts[] = [];
  const consistency: Consistency[] = [];
  const skipped: { engine: string; reason: string }[] = [];
  const started = process.hrtime.bigint();
  console.log(`fill-ingest bench: ${availableParallelism()} cores, load average ${loadAverage()} (1/5/15 min)`);
  for (const engine of ['pglite', 'postgres'] as const) {
    if (interrupted) break;
    if (!requestedEngines.includes(engine)) {
      skipped.push({ engine, reason: 'not in FILLBOOK_BENCH_ENGINES' });
      continue;
    }
    if (engine === 'postgres') {
      const unreachable = await serverReachable();
      if (unreachable !== undefined) {
        const reason = `server at ${serverUrl} not reachable: ${unreachable}`;
        console.log(`[postgres] SKIPPED: ${reason}`);
        skipped.push({ engine, reason });
        continue;
      }
    }
    try {
      await benchEngine(engine, results, statements, consistency);
    } catch (error) {
      const reason = `failed: ${error instanceof Error ? error.message : String(error)}`;
      console.log(`[${engine}] ${reason}`);
      skipped.push({ engine, reason });
    }
  }
  console.log(`bench finished in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
  report(results, statements, consistency, skipped);
}

await main();
