/**
 * Order-guard benchmark: latency and throughput of guarded order placement through
 * `Ledger.recordOrder` (guard read, exposure guard, compare-and-set order + `created` event; the position row lock when contended), next to a bare
 * insert of the same order row and to "insert + event in one transaction", on each storage engine.
 *
 *   npx tsx bench/order-guard.ts        (or `npm run bench:guard`)
 *
 * See bench/README.md for what is measured and how to read the output. The last line printed is one
 * JSON object for machines.
 */
import { availableParallelism } from 'node:os';
import {
  applyOrderEvent,
  encodeOrderEvent,
  type Order,
  type OrderEvent,
  orderFingerprint,
  type OrderRequest,
  type OrderSpec,
  validateOrderRequest,
} from '../src/domain/index.js';
import { Ledger } from '../src/ledger/index.js';
import { type Database, type EngineName, insertOrder, insertOrderEvent, type SqlClient } from '../src/storage/index.js';
import { freshBenchDatabase, loadAverage, round, serverUnreachableReason, fmt, percentile } from './support.js';

// ---- configuration (names end with their unit) -------------------------------------------------

/** Measured time per round; each case runs `roundsPerCase` rounds, rotating the order of the paths. */
const roundDurationMs = 2_000;
const roundsPerCase = 2;
/** PGlite rows are extras without a target: one round each keeps the whole run short. */
const pgliteRoundsPerCase = 1;
/** Unmeasured orders before each round: JIT, plan caches, pool connections, buffer cache. */
const warmupDurationMs = 400;
/** Connections in the server pool: one per client and a little slack, as a service would have. */
const clientsMax = 8;
const poolSize = clientsMax + 2;
/**
 * The guard reads every order of the position on each placement, so a position that kept taking
 * orders would make the guard slower as the run goes on. A position takes at most this many orders;
 * then its client(s) move on to a fresh one (created outside the timed calls). Real positions hold
 * a handful of orders (an entry, a few exits); at 50 the guard reads 0–49 rows, 25 on average.
 */
const ordersPerPositionMax = 50;
/** Large enough that the guard accepts every order of the bench. */
const positionTargetShares = '1000000000';
const orderQuantityShares = '1';
const limitPriceUsd = '10';
const symbol = 'GUARD';

/** Target, checked on the PostgreSQL server with `targetClients` clients on their own positions. */
const guardedP99OverBareMax = 2;
const targetClients = 8;

const serverUrl =
  process.env.FILLBOOK_BENCH_DATABASE_URL ?? process.env.FILLBOOK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const requestedEngines = (process.env.FILLBOOK_BENCH_ENGINES ?? 'postgres,pglite').split(',').map((s) => s.trim());

/** `own`: every client has its own account and positions. `shared`: all clients place orders on ONE position. */
type Sharing = 'own' | 'shared';

interface CaseSpec {
  clients: number;
  sharing: Sharing;
}

const casesByEngine: Record<EngineName, CaseSpec[]> = {
  postgres: [
    { clients: 1, sharing: 'own' },
    { clients: 8, sharing: 'own' },
    { clients: 8, sharing: 'shared' },
  ],
  // PGlite is one connection: every transaction already runs alone, so a shared position adds nothing.
  pglite: [
    { clients: 1, sharing: 'own' },
    { clients: 8, sharing: 'own' },
  ],
};

// ---- fixtures: lanes of positions ---------------------------------------------------------------

/**
 * The positions one client (`own`) or all clients (`shared`) place orders on: the current one and
 * spares created ahead. Taking a position reserves one of its `ordersPerPositionMax` slots.
 */
interface Lane {
  accountId: string;
  label: string;
  current: string;
  used: number;
  spare: string[];
  refill?: Promise<void>;
  /** Positions that had to be created while a round ran (the spares ran out). */
  createdDuringRounds: number;
  /** Slots taken since the last reset: how fast the lane goes, to size the spares. */
  taken: number;
}

let signalSeq = 0;

async function createPositions(ledger: Ledger, accountId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    signalSeq += 1;
    const { position } = await ledger.createPosition({
      accountId,
      signalId: `bench-${process.pid}-${signalSeq}`,
      symbol,
      side: 'long',
      targetQuantity: positionTargetShares,
    });
    ids.push(position.id);
  }
  return ids;
}

async function createLanes(ledger: Ledger, count: number, label: string): Promise<Lane[]> {
  const lanes: Lane[] = [];
  for (let l = 0; l < count; l++) {
    const account = await ledger.createAccount({ name: `bench ${label} lane ${l}` });
    const [first, ...spare] = await createPositions(ledger, account.id, 2);
    if (first === undefined) throw new Error('no position created');
    lanes.push({ accountId: account.id, label, current: first, used: 0, spare, createdDuringRounds: 0, taken: 0 });
  }
  return lanes;
}

/** Creates enough spares for a round, from the pace the lane went at during its warm-up. */
async function stockLanes(ledger: Ledger, lanes: Lane[], paceWindowMs: number, forMs: number): Promise<void> {
  await Promise.all(
    lanes.map(async (lane) => {
      const expected = (lane.taken * forMs) / paceWindowMs;
      // Twice the warm-up's pace: the warm-up runs colder (JIT, plan caches) than the round.
      const needed = Math.ceil((expected * 2) / ordersPerPositionMax) + 1 - lane.spare.length;
      if (needed > 0) lane.spare.push(...(await createPositions(ledger, lane.accountId, needed)));
      lane.taken = 0;
      lane.createdDuringRounds = 0;
    }),
  );
}

/** The position for the next order: the lane's current one, or the next spare once it is full. */
async function takePosition(ledger: Ledger, lane: Lane): Promise<string> {
  while (lane.used >= ordersPerPositionMax) {
    const next = lane.spare.shift();
    if (next !== undefined) {
      lane.current = next;
      lane.used = 0;
      break;
    }
    lane.refill ??= createPositions(ledger, lane.accountId, 2).then((ids) => {
      lane.spare.push(...ids);
      lane.createdDuringRounds += ids.length;
      lane.refill = undefined;
    });
    await lane.refill;
  }
  lane.used += 1;
  lane.taken += 1;
  return lane.current;
}

const orderRequest = (accountId: string, positionId: string): OrderRequest => ({
  accountId,
  positionId,
  role: 'entry',
  symbol,
  side: 'buy',
  type: 'limit',
  quantity: orderQuantityShares,
  limitPrice: limitPriceUsd,
});

// ---- where the time goes: a timing wrapper around the database ----------------------------------

const phases = ['acquire+begin', 'select account', 'lock position', 'guard read', 'insert order', 'insert event', 'commit', 'other sql'] as const;
type Phase = (typeof phases)[number];

interface PhaseSink {
  ns: Record<Phase, bigint>;
  statements: number;
  transactions: number;
}

const emptySink = (): PhaseSink => ({ ns: Object.fromEntries(phases.map((p) => [p, 0n])) as Record<Phase, bigint>, statements: 0, transactions: 0 });
/** Where the statements of the running round are accounted; rounds run one at a time. */
let sink = emptySink();

const phaseOfSql = new Map<string, Phase>();
function classify(text: string): Phase {
  let phase = phaseOfSql.get(text);
  if (phase === undefined) {
    const sql = text.replace(/\s+/g, ' ').trim().toLowerCase();
    if (sql.startsWith('select * from accounts')) phase = 'select account';
    else if (sql.startsWith('update positions set guard_version')) phase = 'lock position';
    else if (sql.startsWith('select p.*, p.guard_version')) phase = 'guard read';
    else if (sql.startsWith('insert into orders') || sql.startsWith('with claim as')) phase = 'insert order';
    else if (sql.startsWith('insert into order_events')) phase = 'insert event';
    else phase = 'other sql';
    phaseOfSql.set(text, phase);
  }
  return phase;
}

/**
 * Times every statement by kind, and splits each transaction's own cost (pool acquire + BEGIN before
 * the work, COMMIT + release after). Costs one `hrtime` call per statement: well under a microsecond.
 */
function timedDatabase(db: Database): Database {
  const timed = (sql: SqlClient): SqlClient => ({
    async query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]> {
      const started = process.hrtime.bigint();
      try {
        return await sql.query<Row>(text, params);
      } finally {
        const phase = classify(text);
        sink.ns[phase] += process.hrtime.bigint() - started;
        sink.statements += 1;
      }
    },
    async exec(script: string): Promise<void> {
      await sql.exec(script);
    },
  });
  return {
    engine: db.engine,
    ...timed(db),
    async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
      const called = process.hrtime.bigint();
      let began = called;
      let worked = called;
      const result = await db.transaction(async (tx) => {
        began = process.hrtime.bigint();
        try {
          return await work(timed(tx));
        } finally {
          worked = process.hrtime.bigint();
        }
      });
      sink.ns['acquire+begin'] += began - called;
      sink.ns.commit += process.hrtime.bigint() - worked;
      sink.transactions += 1;
      return result;
    },
    withAdvisoryLock: (name, work) => db.withAdvisoryLock(name, work),
    copyRows: (select, onRows) => db.copyRows(select, onRows),
    close: () => db.close(),
  };
}

// ---- the three paths ----------------------------------------------------------------------------

type PathName = 'guarded' | 'insert+event tx' | 'bare insert';
const pathNames: readonly PathName[] = ['guarded', 'insert+event tx', 'bare insert'];

type PlaceOrder = (request: OrderRequest) => Promise<void>;

/** The guarded path: what the service calls for every order of a position. */
function guardedPath(ledger: Ledger): PlaceOrder {
  return async (request) => {
    const { order, created } = await ledger.recordOrder(request);
    if (!created || order.status !== 'pending_submit') throw new Error(`order not accepted: created ${created}, status ${order.status}`);
  };
}

/**
 * The row `recordOrder` would insert for this request, built by the same domain functions (validation,
 * fingerprint, the `created` event applied to nothing), minus the database reads and the guard.
 */
function orderRow(request: OrderRequest): { order: Order; fingerprint: string; created: OrderEvent } {
  const valid = validateOrderRequest(request);
  const at = new Date().toISOString();
  const fields = { ...valid, assetClass: valid.assetClass ?? 'equity' };
  const fingerprint = orderFingerprint(fields);
  const spec: OrderSpec = { ...fields, id: crypto.randomUUID(), clientOrderId: `fb-${crypto.randomUUID()}`, brokerOrderId: null, origin: 'api' };
  const created: OrderEvent = { type: 'created', at, recordedAt: at, source: 'api', order: spec };
  return { order: applyOrderEvent(undefined, created), fingerprint, created };
}

/** One autocommit statement: the ledger's own order INSERT (same columns and values), through `db.query`. */
function bareInsertPath(db: Database): PlaceOrder {
  return async (request) => {
    const { order, fingerprint } = orderRow(request);
    if (!(await insertOrder(db, order, fingerprint))) throw new Error(`client order id ${order.clientOrderId} already taken`);
  };
}

/** The middle reference: the order and its `created` event in one transaction, no reads, no lock, no guard. */
function insertWithEventPath(db: Database): PlaceOrder {
  return async (request) => {
    const { order, fingerprint, created } = orderRow(request);
    await db.transaction(async (tx) => {
      if (!(await insertOrder(tx, order, fingerprint))) throw new Error(`client order id ${order.clientOrderId} already taken`);
      await insertOrderEvent(tx, order.accountId, order.id, order.version, encodeOrderEvent(created));
    });
  };
}

// ---- driving and measuring ----------------------------------------------------------------------

interface RoundResult {
  orders: number;
  errors: number;
  elapsedNs: bigint;
  /** CPU time of this Node process (user + system) over the round: the client side's cost. */
  cpuUs: number;
  latenciesMs: number[];
  sink: PhaseSink;
  createdDuringRound: number;
  firstError?: string;
}

let interrupted = false;

/** Every client places orders back to back (each awaits its commit) until the deadline. */
async function drive(place: PlaceOrder, fixtures: Ledger, lanes: Lane[], clients: number, durationMs: number): Promise<RoundResult> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  sink = emptySink();
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const lane = lanes[c % lanes.length];
      if (lane === undefined) throw new Error('no lane');
      while (!interrupted && process.hrtime.bigint() < deadline) {
        // Outside the timed call: moving to a fresh position is fixture work, not placement.
        const request = orderRequest(lane.accountId, await takePosition(fixtures, lane));
        const before = process.hrtime.bigint();
        try {
          await place(request);
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
  const createdDuringRound = lanes.reduce((sum, l) => sum + l.createdDuringRounds, 0);
  return {
    orders: latenciesMs.length,
    errors,
    elapsedNs,
    cpuUs: cpu.user + cpu.system,
    latenciesMs,
    sink,
    createdDuringRound,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

interface CaseResult {
  engine: EngineName;
  clients: number;
  sharing: Sharing;
  path: PathName;
  orders: number;
  errors: number;
  elapsedMs: number;
  ordersPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** p99 of each round alone: how much the figure moves between rounds. */
  p99MsPerRound: number[];
  meanMs: number;
  /** Node CPU per order; on PGlite this includes the engine, which runs in-process. */
  cpuUsPerOrder: number;
  statementsPerOrder: number;
  /** Statements plus BEGIN and COMMIT of each transaction (on the server, each is a round trip). */
  roundTripsPerOrder: number;
  /** Mean ms per order spent in each phase; `node (rest)` is the timed call minus all of them. */
  phaseMeanMs: Partial<Record<Phase | 'node (rest)', number>>;
  positionsCreatedDuringRounds: number;
  firstError?: string;
}

function summarize(engine: EngineName, spec: CaseSpec, path: PathName, rounds: RoundResult[]): CaseResult {
  const orders = rounds.reduce((sum, r) => sum + r.orders, 0);
  const errors = rounds.reduce((sum, r) => sum + r.errors, 0);
  const elapsedMs = Number(rounds.reduce((sum, r) => sum + r.elapsedNs, 0n)) / 1e6;
  const cpuUs = rounds.reduce((sum, r) => sum + r.cpuUs, 0);
  const all = rounds.flatMap((r) => r.latenciesMs);
  const sorted = Float64Array.from(all).sort();
  const meanMs = all.length > 0 ? all.reduce((sum, x) => sum + x, 0) / all.length : Number.NaN;
  const attempts = orders + errors;
  const statements = rounds.reduce((sum, r) => sum + r.sink.statements, 0);
  const transactions = rounds.reduce((sum, r) => sum + r.sink.transactions, 0);
  const phaseMeanMs: CaseResult['phaseMeanMs'] = {};
  let accounted = 0;
  for (const phase of phases) {
    const ns = rounds.reduce((sum, r) => sum + r.sink.ns[phase], 0n);
    if (ns === 0n) continue;
    const ms = attempts > 0 ? Number(ns) / 1e6 / attempts : Number.NaN;
    phaseMeanMs[phase] = round(ms, 3);
    accounted += ms;
  }
  phaseMeanMs['node (rest)'] = round(meanMs - accounted, 3);
  const firstError = rounds.find((r) => r.firstError !== undefined)?.firstError;
  return {
    engine,
    clients: spec.clients,
    sharing: spec.sharing,
    path,
    orders,
    errors,
    elapsedMs: round(elapsedMs, 1),
    ordersPerSecond: round(elapsedMs > 0 ? (orders * 1000) / elapsedMs : 0, 1),
    p50Ms: round(percentile(sorted, 0.5), 3),
    p99Ms: round(percentile(sorted, 0.99), 3),
    p99MsPerRound: rounds.map((r) => round(percentile(Float64Array.from(r.latenciesMs).sort(), 0.99), 2)),
    meanMs: round(meanMs, 3),
    cpuUsPerOrder: round(orders > 0 ? cpuUs / orders : Number.NaN, 0),
    statementsPerOrder: round(attempts > 0 ? statements / attempts : Number.NaN, 2),
    roundTripsPerOrder: round(attempts > 0 ? (statements + 2 * transactions) / attempts : Number.NaN, 2),
    phaseMeanMs,
    positionsCreatedDuringRounds: rounds.reduce((sum, r) => sum + r.createdDuringRound, 0),
    ...(firstError === undefined ? {} : { firstError }),
  };
}



// ---- engines ------------------------------------------------------------------------------------

interface BenchDatabase {
  db: Database;
  drop(): Promise<void>;
}

const serverReachable = () => serverUnreachableReason(serverUrl);

/**
 * A throwaway database, as test/support/backends.ts `freshDatabase` makes one (that module imports
 * vitest, so it is not imported here): PGlite in memory, or a new database on the server, dropped
 * afterwards (with `force`, also when opening it failed).
 */
const freshDatabase = (engine: EngineName): Promise<BenchDatabase> => freshBenchDatabase(engine, serverUrl, poolSize);

interface Consistency {
  engine: EngineName;
  orders: number;
  expectedOrders: number;
  /** Guarded and insert+event orders without exactly their `created` event, bare orders with one. */
  wrongEventTrail: number;
  maxOrdersPerPosition: number;
}

/**
 * Every path must have done all of its work: as many orders as were counted, each guarded or
 * insert+event order with its `created` event (seq 1), no bare order with one, and no position over
 * `ordersPerPositionMax` orders (the rotation worked, so the guard never read more than that).
 */
async function checkConsistency(db: Database, accountsByPath: Map<string, PathName>, expected: number): Promise<Omit<Consistency, 'engine'>> {
  const rows = await db.query<{ account_id: string; orders: string; with_event: string; events: string }>(`
    select o.account_id, count(*) as orders, count(e.order_id) as with_event,
      coalesce(sum((select count(*) from order_events x where x.account_id = o.account_id and x.order_id = o.id)), 0) as events
    from orders o
    left join order_events e on e.account_id = o.account_id and e.order_id = o.id and e.seq = 1 and e.type = 'created'
    group by o.account_id`);
  let orders = 0;
  let wrong = 0;
  for (const r of rows) {
    const n = Number(r.orders);
    orders += n;
    const path = accountsByPath.get(r.account_id);
    if (path === 'bare insert') wrong += Number(r.events);
    else wrong += n - Number(r.with_event) + (Number(r.events) - Number(r.with_event));
  }
  const [max] = await db.query<{ n: string | null }>(
    'select max(n) as n from (select count(*) as n from orders group by account_id, position_id) per_position',
  );
  return { orders, expectedOrders: expected, wrongEventTrail: wrong, maxOrdersPerPosition: Number(max?.n ?? 0) };
}

async function benchEngine(engine: EngineName, results: CaseResult[], consistency: Consistency[]): Promise<void> {
  const opened = process.hrtime.bigint();
  const fresh = await freshDatabase(engine);
  try {
    // Fixtures (accounts, positions) go through an untimed ledger; the measured paths through the timed one.
    const fixtures = await Ledger.open({ database: fresh.db });
    const timed = timedDatabase(fresh.db);
    const ledger = await Ledger.open({ database: timed });
    console.log(`[${engine}] database ready in ${(Number(process.hrtime.bigint() - opened) / 1e6).toFixed(0)} ms`);
    const paths: Record<PathName, PlaceOrder> = {
      guarded: guardedPath(ledger),
      'insert+event tx': insertWithEventPath(timed),
      'bare insert': bareInsertPath(timed),
    };
    const accountsByPath = new Map<string, PathName>();
    let expectedOrders = 0;
    const rounds = engine === 'pglite' ? pgliteRoundsPerCase : roundsPerCase;
    for (const spec of casesByEngine[engine]) {
      const byPath: Record<PathName, RoundResult[]> = { guarded: [], 'insert+event tx': [], 'bare insert': [] };
      for (let r = 0; r < rounds && !interrupted; r++) {
        // Alternate the order of the paths, so none always runs first (on a warmer or a bigger database).
        const order = r % 2 === 0 ? pathNames : [...pathNames].reverse();
        for (const path of order) {
          if (interrupted) break;
          const label = `${engine} ${path} ${spec.clients}c ${spec.sharing} r${r}`;
          const lanes = await createLanes(fixtures, spec.sharing === 'own' ? spec.clients : 1, label);
          for (const lane of lanes) accountsByPath.set(lane.accountId, path);
          const warm = await drive(paths[path], fixtures, lanes, spec.clients, warmupDurationMs);
          await stockLanes(fixtures, lanes, warmupDurationMs, roundDurationMs);
          const result = await drive(paths[path], fixtures, lanes, spec.clients, roundDurationMs);
          expectedOrders += warm.orders + result.orders;
          byPath[path].push(result);
          console.log(
            `[${engine}] ${spec.clients} client(s), ${spec.sharing === 'own' ? 'own positions' : 'ONE shared position'}, ` +
              `round ${r + 1}/${rounds} ${path.padEnd(15)} ${result.orders} orders in ${(Number(result.elapsedNs) / 1e6).toFixed(0)} ms` +
              (result.createdDuringRound > 0 ? ` (${result.createdDuringRound} positions created mid-round)` : '') +
              (result.errors > 0 ? `, ${result.errors} errors (first: ${result.firstError})` : ''),
          );
        }
      }
      for (const path of pathNames) {
        if (byPath[path].length > 0) results.push(summarize(engine, spec, path, byPath[path]));
      }
    }
    consistency.push({ engine, ...(await checkConsistency(fresh.db, accountsByPath, expectedOrders)) });
    await ledger.close();
    await fixtures.close();
  } finally {
    await fresh.drop().catch((error: unknown) => console.error(`[${engine}] could not drop the bench database: ${String(error)}`));
  }
}

// ---- report -------------------------------------------------------------------------------------

interface TargetCheck {
  target: string;
  engine: EngineName;
  clients: number;
  sharing: Sharing;
  guardedP99Ms: number;
  bareP99Ms: number;
  guardedP99MsPerRound: number[];
  bareP99MsPerRound: number[];
  ratio: number;
  threshold: number;
  pass: boolean;
}

interface Ratio {
  engine: EngineName;
  clients: number;
  sharing: Sharing;
  /** guarded p99 / bare insert p99, measured interleaved in the same case. */
  p99Ratio: number;
  /** guarded throughput / bare insert throughput. */
  throughputRatio: number;
}

function table(header: string[], rows: string[][], rightAligned: (column: number) => boolean, groupOf: (row: number) => string): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (rightAligned(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  let previous: string | undefined;
  for (const [i, row] of rows.entries()) {
    const group = groupOf(i);
    if (previous !== undefined && group !== previous) console.log('');
    previous = group;
    console.log(line(row));
  }
}

const sharingLabel = (s: Sharing) => (s === 'own' ? 'own' : 'ONE shared');
const engineLabel = (e: EngineName) => (e === 'pglite' ? 'pglite (extra)' : e);

function report(results: CaseResult[], consistency: Consistency[], skipped: { engine: string; reason: string }[]): void {
  const find = (engine: EngineName, clients: number, sharing: Sharing, path: PathName) =>
    results.find((r) => r.engine === engine && r.clients === clients && r.sharing === sharing && r.path === path);
  const ratios: Ratio[] = [];
  const checks: TargetCheck[] = [];
  for (const r of results) {
    if (r.path !== 'guarded') continue;
    const bare = find(r.engine, r.clients, r.sharing, 'bare insert');
    if (bare === undefined || !(bare.p99Ms > 0)) continue;
    const ratio = { engine: r.engine, clients: r.clients, sharing: r.sharing, p99Ratio: round(r.p99Ms / bare.p99Ms, 2), throughputRatio: round(r.ordersPerSecond / bare.ordersPerSecond, 3) };
    ratios.push(ratio);
    if (r.engine === 'postgres' && r.clients === targetClients && r.sharing === 'own') {
      checks.push({
        target: `guarded p99 < ${guardedP99OverBareMax} x bare insert p99`,
        engine: r.engine, clients: r.clients, sharing: r.sharing, guardedP99Ms: r.p99Ms, bareP99Ms: bare.p99Ms,
        guardedP99MsPerRound: r.p99MsPerRound, bareP99MsPerRound: bare.p99MsPerRound,
        ratio: ratio.p99Ratio, threshold: guardedP99OverBareMax, pass: r.p99Ms < guardedP99OverBareMax * bare.p99Ms,
      });
    }
  }

  console.log('');
  console.log('Order guard: accepted placements through Ledger.recordOrder (guard read + exposure guard + compare-and-set write) vs the same order row inserted bare');
  console.log(`  ${roundsPerCase} rounds x ${roundDurationMs} ms per case on the server (${pgliteRoundsPerCase} on PGlite), after ${warmupDurationMs} ms warm-up each;`);
  console.log(`  limit buy of ${orderQuantityShares} @ ${limitPriceUsd}, entry, positions with target ${positionTargetShares}, each position takes at most ${ordersPerPositionMax} orders`);
  console.log(`  then its client(s) move to a fresh one; pool ${poolSize} connections; node ${process.version}, cores: ${availableParallelism()}, load average now: ${loadAverage()}`);
  console.log('');
  const header = ['engine', 'clients', 'positions', 'path', 'orders', 'orders/s', 'p50 ms', 'p99 ms', 'mean ms', 'node cpu us/order', 'round trips', 'errors', 'p99 / bare', 'target'];
  const rows = results.map((r) => {
    const ratio = ratios.find((x) => x.engine === r.engine && x.clients === r.clients && x.sharing === r.sharing);
    let target = '';
    if (r.path === 'guarded') {
      const check = checks.find((c) => c.engine === r.engine && c.clients === r.clients && c.sharing === r.sharing);
      if (check !== undefined) target = `p99 < ${guardedP99OverBareMax}x bare ${check.pass ? 'PASS' : 'FAIL'}`;
      else if (r.engine === 'pglite') target = '(extra, no target)';
      else target = r.sharing === 'shared' ? '(contended, no target)' : '(no target)';
    }
    return [
      engineLabel(r.engine), String(r.clients), sharingLabel(r.sharing), r.path, String(r.orders), fmt(r.ordersPerSecond, 0), fmt(r.p50Ms, 2), fmt(r.p99Ms, 2),
      fmt(r.meanMs, 2), fmt(r.cpuUsPerOrder, 0), r.engine === 'postgres' ? fmt(r.roundTripsPerOrder, 1) : `(${fmt(r.roundTripsPerOrder, 1)})`, String(r.errors),
      r.path === 'guarded' && ratio !== undefined ? `${fmt(ratio.p99Ratio, 2)}x` : '', target,
    ];
  });
  table(header, rows, (i) => i === 1 || (i >= 4 && i <= 12), (i) => {
    const r = results[i];
    return r === undefined ? '' : `${r.engine}/${r.clients}/${r.sharing}`;
  });
  for (const s of skipped) console.log(`${s.engine}: SKIPPED (${s.reason})`);

  console.log('');
  console.log('Where the time goes: mean ms per order in each phase, timed around each awaited statement (so it includes the wait for');
  console.log('the Node event loop to pick the reply up); "lock position" includes the row-lock wait; "node (rest)" is the rest of the call.');
  console.log('');
  const phaseColumns = [...phases.filter((p) => results.some((r) => r.phaseMeanMs[p] !== undefined)), 'node (rest)'] as const;
  const phaseRows = results.map((r) => [
    engineLabel(r.engine), String(r.clients), sharingLabel(r.sharing), r.path,
    ...phaseColumns.map((p) => (r.phaseMeanMs[p] === undefined ? '-' : fmt(r.phaseMeanMs[p], 3))),
    fmt(r.meanMs, 3),
  ]);
  table(['engine', 'clients', 'positions', 'path', ...phaseColumns, 'mean ms'], phaseRows, (i) => i === 1 || i >= 4, (i) => {
    const r = results[i];
    return r === undefined ? '' : `${r.engine}/${r.clients}/${r.sharing}`;
  });

  console.log('');
  const statementsBy = (path: PathName) => results.find((r) => r.engine === 'postgres' && r.path === path);
  for (const path of pathNames) {
    const r = statementsBy(path);
    if (r !== undefined) console.log(`[postgres] ${path}: ${fmt(r.statementsPerOrder, 1)} SQL statements per order => ${fmt(r.roundTripsPerOrder, 1)} round trips (BEGIN and COMMIT included)`);
  }
  for (const c of consistency) {
    const ok = c.orders === c.expectedOrders && c.wrongEventTrail === 0 && c.maxOrdersPerPosition <= ordersPerPositionMax;
    console.log(
      `[${c.engine}] consistency after the runs: ${c.orders} orders (${c.expectedOrders} counted), ${c.wrongEventTrail} with a wrong event trail, ` +
        `at most ${c.maxOrdersPerPosition} orders per position: ${ok ? 'OK' : 'MISMATCH'}`,
    );
  }
  const midRound = results.reduce((sum, r) => sum + r.positionsCreatedDuringRounds, 0);
  if (midRound > 0) console.log(`${midRound} position(s) had to be created mid-round (outside the timed calls, inside the rounds' wall time).`);

  console.log('');
  console.log('Targets (PostgreSQL server):');
  if (checks.length === 0) console.log('  none checked: the PostgreSQL server was not benchmarked (or the run was cut short)');
  for (const c of checks) {
    console.log(
      `  ${c.pass ? 'PASS' : 'FAIL'}  ${c.target}, ${c.clients} clients on their own positions: ` +
        `${fmt(c.guardedP99Ms, 2)} ms vs ${fmt(c.bareP99Ms, 2)} ms => ${fmt(c.ratio, 2)}x (< ${c.threshold}x); ` +
        `per round: guarded ${c.guardedP99MsPerRound.join(' / ')} ms, bare ${c.bareP99MsPerRound.join(' / ')} ms`,
    );
  }
  for (const x of ratios.filter((q) => !checks.some((c) => c.engine === q.engine && c.clients === q.clients && c.sharing === q.sharing))) {
    console.log(
      `  info  ${engineLabel(x.engine)}, ${x.clients} client(s), ${x.sharing === 'own' ? 'own positions' : 'ONE shared position'}: ` +
        `guarded p99 ${fmt(x.p99Ratio, 2)}x bare, throughput ${fmt(x.throughputRatio * 100, 0)}% of bare`,
    );
  }
  if (interrupted) console.log('INTERRUPTED: the figures above are partial.');
  const failed = checks.filter((c) => !c.pass).length;
  if (failed > 0) console.log(`${failed} target(s) FAILED (the bench is a report; exit status stays 0).`);
  else if (checks.length > 0) console.log('All targets met.');
  console.log('Figures are noisy on a small shared machine: other processes (tests, the server itself) compete for the same cores.');
  console.log('');
  console.log(
    JSON.stringify({
      bench: 'order-guard',
      config: {
        roundDurationMs, roundsPerCase, pgliteRoundsPerCase, warmupDurationMs, casesByEngine, poolSize, ordersPerPositionMax,
        positionTargetShares, orderQuantityShares, limitPriceUsd, bareInsertVia: 'Database.query (autocommit)',
      },
      results,
      ratios,
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
  const consistency: Consistency[] = [];
  const skipped: { engine: string; reason: string }[] = [];
  const started = process.hrtime.bigint();
  console.log(`order-guard bench: ${availableParallelism()} cores, load average ${loadAverage()} (1/5/15 min)`);
  for (const engine of ['postgres', 'pglite'] as const) {
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
      await benchEngine(engine, results, consistency);
    } catch (error) {
      const reason = `failed: ${error instanceof Error ? error.message : String(error)}`;
      console.log(`[${engine}] ${reason}`);
      skipped.push({ engine, reason });
    }
  }
  console.log(`bench finished in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
  report(results, consistency, skipped);
}

await main();
