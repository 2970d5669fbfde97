/**
 * The write path against the machine's limit, in one run on the PostgreSQL server: a raw-SQL
 * baseline through `pg` (one statement per fill, and 100 fills per statement, 8 clients) and
 * Fillbook's single fills and batched library ingest, each taking turns with its baseline and
 * reported as a ratio to it (`measureAgainst`); batched HTTP ingest; then a page of the order list
 * with 1,000,000 orders in the account.
 *
 *   npx tsx bench/write-path.ts        (or `npm run bench:write`)
 *
 * `FILLBOOK_BENCH_DURATION_MS` shortens or lengthens each measured case (default 8,000, in four turns
 * where a case has a baseline);
 * `FILLBOOK_BENCH_LIST_ORDERS` sets the order-list book (default 1,000,000; 0 skips it). The last
 * line printed is one JSON object for machines. See bench/README.md.
 */
import { fork } from 'node:child_process';
import nodeHttp from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Ledger, type RecordFillInput } from '../src/ledger/index.js';
import { buildServer } from '../src/server/index.js';
import { FillbookService } from '../src/service/index.js';
import { createServerDatabase, fmt, loadAverage, percentile, round, serverUnreachableReason } from './support.js';

// ---- configuration (names end with their unit) -------------------------------------------------

const durationOverrideMs = Number.parseInt(process.env.FILLBOOK_BENCH_DURATION_MS ?? '', 10);
const caseDurationMs = Number.isFinite(durationOverrideMs) && durationOverrideMs > 0 ? durationOverrideMs : 8_000;
const warmupDurationMs = 1_000;
/** A case measured against its baseline takes this many turns with it (`measureAgainst`), `caseDurationMs` in all. */
const turnRounds = 4;
const clientCount = 8;
const batchFills = 100;
/** Each client fills its own orders in its own account, round robin: one statement per batch. */
const ordersPerClient = 4;
/** Large enough that no order completes during the bench: every fill is a partial fill. */
const orderQuantityShares = '1000000000';
const listOrdersOverride = Number.parseInt(process.env.FILLBOOK_BENCH_LIST_ORDERS ?? '', 10);
const listOrders = Number.isFinite(listOrdersOverride) && listOrdersOverride >= 0 ? listOrdersOverride : 1_000_000;
const listPageSize = 100;
const listSamples = 50;

/** Targets (issue 15). */
const libraryBatchRatioMin = 0.5;
const httpBatchFillsPerSecondMin = 20_000;
const singleRatioMin = 0.7;
const singleP99MsMax = 10;
const listPageMsMax = 20;

const serverUrl = process.env.FILLBOOK_BENCH_DATABASE_URL ?? process.env.FILLBOOK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// ---- fixtures -----------------------------------------------------------------------------------

interface Client {
  accountId: string;
  orderIds: string[];
}

let execSeq = 0;
const nextExecId = () => `wp-${process.pid}-${++execSeq}`;
const priceOf = (n: number) => (100 + (n % 200) / 100).toFixed(2);

async function createClients(ledger: Ledger, userId: string | null, label: string): Promise<Client[]> {
  const clients: Client[] = [];
  for (let c = 0; c < clientCount; c++) {
    const account = await ledger.createAccount({ name: `${label}-${c}`, venue: 'manual', userId });
    const orderIds: string[] = [];
    for (let o = 0; o < ordersPerClient; o++) {
      const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: orderQuantityShares, limitPrice: '200' });
      orderIds.push(order.id);
    }
    clients.push({ accountId: account.id, orderIds });
  }
  return clients;
}

// ---- the raw-SQL baseline -----------------------------------------------------------------------

/** One fill by hand, one statement: the order's running totals in SQL, the fill, its event. */
const rawFillSql = `with o as (
    update orders set qty_filled = qty_filled + $3::numeric, qty_remaining = qty_remaining - $3::numeric,
      filled_notional = filled_notional + $3::numeric * $4::numeric,
      avg_fill_price = trim_scale(round((filled_notional + $3::numeric * $4::numeric) / (qty_filled + $3::numeric), 12)),
      fees = fees + 0.01, status = 'partially_filled', version = version + 1, updated_at = $6, last_fill_at = $6,
      first_fill_at = coalesce(first_fill_at, $6)
    where account_id = $1 and id = $2 returning version
  ), f as (
    insert into fills (account_id, id, order_id, exec_id, quantity, price, fee, executed_at, received_at, source)
    values ($1, gen_random_uuid(), $2, $5, $3, $4, 0.01, $6, $6, 'api')
  )
  insert into order_events (account_id, order_id, seq, type, source, occurred_at, recorded_at, payload)
  select $1, $2, o.version, 'filled', 'api', $6, $6, jsonb_build_object('exec_id', $5::text, 'quantity', $3::text, 'price', $4::text) from o`;

/** 100 fills by hand, one statement: the same work set-based, totals per order summed in SQL. */
const rawBatchSql = `with f as (
    select * from unnest($2::uuid[], $3::text[], $4::numeric[], $5::numeric[]) with ordinality as f(order_id, exec_id, quantity, price, n)
  ), agg as (
    select order_id, sum(quantity) as q, sum(quantity * price) as notional, count(*)::int as c from f group by order_id
  ), o as (
    update orders set qty_filled = qty_filled + agg.q, qty_remaining = qty_remaining - agg.q,
      filled_notional = filled_notional + agg.notional,
      avg_fill_price = trim_scale(round((filled_notional + agg.notional) / (qty_filled + agg.q), 12)),
      fees = fees + 0.01 * agg.c, status = 'partially_filled', version = version + agg.c, updated_at = $6, last_fill_at = $6,
      first_fill_at = coalesce(first_fill_at, $6)
    from agg where account_id = $1 and id = agg.order_id returning id, version - agg.c as read_version
  ), ins as (
    insert into fills (account_id, id, order_id, exec_id, quantity, price, fee, executed_at, received_at, source)
    select $1, gen_random_uuid(), order_id, exec_id, quantity, price, 0.01, $6, $6, 'api' from f
  )
  insert into order_events (account_id, order_id, seq, type, source, occurred_at, recorded_at, payload)
  select $1, f.order_id, o.read_version + row_number() over (partition by f.order_id order by f.n), 'filled', 'api', $6, $6,
    jsonb_build_object('exec_id', f.exec_id, 'quantity', f.quantity::text, 'price', f.price::text)
  from f join o on o.id = f.order_id`;

// ---- driving and measuring ----------------------------------------------------------------------

interface CaseResult {
  name: string;
  fills: number;
  seconds: number;
  fillsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  errors: number;
  firstError?: string;
}

/** One stretch of one case: what `drive` measured. */
interface Run {
  fills: number;
  seconds: number;
  latencies: number[];
  errors: number;
  firstError?: string;
}

type Send = (client: Client, n: number) => Promise<number>;

/** Every client sends back to back (each awaits its answer) until the deadline; `send` returns the fills it carried. */
async function drive(clients: Client[], durationMs: number, send: Send): Promise<Run> {
  const run: Run = { fills: 0, seconds: 0, latencies: [], errors: 0 };
  const started = process.hrtime.bigint();
  const deadline = Date.now() + durationMs;
  await Promise.all(
    clients.map(async (client) => {
      for (let n = 0; Date.now() < deadline; n++) {
        const t0 = process.hrtime.bigint();
        try {
          // Not `run.fills += await send(…)`: that reads `fills` before the await, and the clients'
          // concurrent additions would overwrite each other (it counted about one client's fills).
          const sent = await send(client, n);
          run.fills += sent;
          run.latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        } catch (error) {
          run.errors++;
          run.firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  run.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return run;
}

/** A case's runs as one result: fills over seconds, latencies over all its requests. */
function summarize(name: string, runs: readonly Run[]): CaseResult {
  const fills = runs.reduce((n, r) => n + r.fills, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const sorted = Float64Array.from(runs.flatMap((r) => r.latencies)).sort();
  const errors = runs.reduce((n, r) => n + r.errors, 0);
  const firstError = runs.find((r) => r.firstError !== undefined)?.firstError;
  const result: CaseResult = { name, fills, seconds, fillsPerSecond: fills / seconds, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), maxMs: sorted.at(-1) ?? 0, meanMs: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length), errors, ...(firstError === undefined ? {} : { firstError }) };
  console.log(`  ${name.padEnd(34)} ${fmt(result.fillsPerSecond, 0).padStart(8)} fills/s   p50 ${fmt(result.p50Ms, 2)} ms   p99 ${fmt(result.p99Ms, 2)} ms   mean ${fmt(result.meanMs, 2)} ms   max ${fmt(result.maxMs, 1)} ms   errors ${result.errors}`);
  return result;
}

/**
 * Brings the server to the same state before every measured stretch: a checkpoint, so that no
 * stretch shares its seconds with one the WAL forced. At 100,000 fills/s the server writes about
 * 100 MB of WAL a second and checkpoints every few seconds (max_wal_size 1 GB). Set by the process
 * that holds the pool; the HTTP client process asks it over IPC (`settleOverIpc`).
 */
let settle: () => Promise<void> = async () => {};

/** One case alone: a warm-up, then one measured stretch. */
async function measure(name: string, clients: Client[], send: Send, afterWarmup?: () => void): Promise<CaseResult> {
  await drive(clients, warmupDurationMs, send);
  afterWarmup?.();
  await settle();
  return summarize(name, [await drive(clients, caseDurationMs, send)]);
}

interface Case {
  name: string;
  clients: Client[];
  send: Send;
}

/**
 * A case against its baseline, in turns: each warmed up, then `rounds` stretches of each taking
 * turns, so that both meet the same tables and the same server. One stretch of each in a row had
 * each meet a different server: the tables grew by the baseline's half a million fills before
 * Fillbook's turn, and the raw baseline alone ranged from 72,000 to 99,000 fills/s over three
 * turns of one run.
 */
async function measureAgainst(baseline: Case, subject: Case): Promise<[CaseResult, CaseResult]> {
  const runs = new Map<Case, Run[]>([[baseline, []], [subject, []]]);
  for (const c of [baseline, subject]) await drive(c.clients, warmupDurationMs, c.send);
  for (let round = 0; round < turnRounds; round++) {
    for (const c of [baseline, subject]) {
      await settle();
      runs.get(c)!.push(await drive(c.clients, caseDurationMs / turnRounds, c.send));
    }
  }
  return [summarize(baseline.name, runs.get(baseline)!), summarize(subject.name, runs.get(subject)!)];
}

function rawPool(url: string): pg.Pool {
  return new pg.Pool({ connectionString: url, max: clientCount + 2 });
}

const libraryFill = (client: Client, n: number): RecordFillInput => ({
  order: { orderId: client.orderIds[n % client.orderIds.length]!, accountId: client.accountId },
  execId: nextExecId(),
  quantity: '1',
  price: priceOf(n),
  fee: '0.01',
});

// ---- HTTP ---------------------------------------------------------------------------------------

const agent = new nodeHttp.Agent({ keepAlive: true, maxSockets: clientCount });

function postJson(port: number, path: string, key: string, body: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const request = nodeHttp.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          try {
            resolve({ status: response.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

// ---- the order list at scale -------------------------------------------------------------------

async function orderListPage(ledger: Ledger, url: string): Promise<{ orders: number; firstPageMs: number; cursorPageMs: number; indexed: boolean }> {
  const account = await ledger.createAccount({ name: 'list', venue: 'manual' });
  const { order } = await ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100' });
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  try {
    // A copy of one real order, a million times, a second apart: made by the server in one statement
    // (every column copied but the id, the client order id and the creation time, so the copy follows
    // the table as migrations add columns).
    const { rows: columns } = await raw.query<{ name: string }>(`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = 'orders' order by ordinal_position`);
    const made: Record<string, string> = { id: 'gen_random_uuid()', client_order_id: `'list-' || g`, created_at: 'o.created_at - make_interval(secs => g)' };
    await raw.query(
      `insert into orders (${columns.map((c) => c.name).join(', ')})
       select ${columns.map((c) => made[c.name] ?? `o.${c.name}`).join(', ')}
       from orders o, generate_series(1, $2::int - 1) g where o.account_id = $1 and o.id = $3`,
      [account.id, listOrders, order.id],
    );
    await raw.query('analyze orders');
    const { rows } = await raw.query<{ n: number }>(`select count(*)::int as n from pg_indexes where tablename = 'orders' and indexdef like '%(account_id, created_at, id)%'`);
    const indexed = (rows[0]?.n ?? 0) > 0;
    const time = async (after: { createdAt: string; id: string } | null) => {
      const samples: number[] = [];
      for (let i = 0; i < listSamples; i++) {
        const t0 = process.hrtime.bigint();
        const page = await ledger.pageOrders({ accountIds: [account.id], statuses: null, symbol: null, positionId: null, signalId: null, since: null, after, limit: listPageSize });
        samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (page.length !== listPageSize) throw new Error(`a page of ${page.length} orders, expected ${listPageSize}`);
      }
      return percentile(Float64Array.from(samples).sort(), 0.5);
    };
    // The cursor of a page in the middle of the book: a plan that cannot start the index scan at the
    // cursor reads half a million rows to find it (a page near the start would hide that).
    const { rows: middle } = await raw.query<{ created_at: Date; id: string }>(
      'select created_at, id from orders where account_id = $1 order by created_at desc, id desc offset $2 limit 1',
      [account.id, Math.floor(listOrders / 2)],
    );
    const cursor = { createdAt: middle[0]!.created_at.toISOString(), id: middle[0]!.id };
    return { orders: listOrders, indexed, firstPageMs: await time(null), cursorPageMs: await time(cursor) };
  } finally {
    await raw.end();
  }
}

// ---- the HTTP clients, in a child process -----------------------------------------------------

interface HttpDrive {
  port: number;
  apiKey: string;
  clients: Client[];
}

interface HttpDriven {
  result: CaseResult;
  /** The exec id of every fill answered `recorded`, once per answer. */
  acknowledged: string[];
  /** Every 10th batch sent (at most 20): sent again afterwards, each fill must be a duplicate. */
  sentBatches: string[][];
}

/** This file again, as the HTTP clients (FILLBOOK_BENCH_WRITE_ROLE=http-clients): the result comes back over IPC. */
async function driveHttpInChild(drive: HttpDrive): Promise<HttpDriven> {
  const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, FILLBOOK_BENCH_WRITE_ROLE: 'http-clients' }, execArgv: process.execArgv });
  const answer = new Promise<HttpDriven>((resolve, reject) => {
    child.on('message', (message) => {
      if (message === settleRequest) void settle().then(() => child.send(settleDone), reject);
      else resolve(message as HttpDriven);
    });
    child.once('exit', (code) => reject(new Error(`the HTTP client process exited (${code}) before it answered`)));
  });
  child.send(drive);
  try {
    return await answer;
  } finally {
    child.kill();
  }
}

const settleRequest = 'settle';
const settleDone = 'settled';

/** The HTTP client process's `settle`: the parent, which holds the pool, settles the server. */
function settleOverIpc(): Promise<void> {
  return new Promise((resolve) => {
    process.once('message', () => resolve());
    process.send!(settleRequest);
  });
}

async function httpClientsMain(): Promise<void> {
  const { port, apiKey, clients } = await new Promise<HttpDrive>((resolve) => process.once('message', (m) => resolve(m as HttpDrive)));
  settle = settleOverIpc;
  const acknowledged: string[] = [];
  let sent: string[][] = [];
  const result = await measure(`HTTP, POST /v1/fills/batch x ${batchFills}`, clients, async (c, n) => {
    const fills = Array.from({ length: batchFills }, (_, i) => {
      const k = n * batchFills + i;
      return { order_id: c.orderIds[k % ordersPerClient]!, exec_id: nextExecId(), quantity: '1', price: priceOf(k), fee: '0.01' };
    });
    const { status, json } = await postJson(port, '/v1/fills/batch', apiKey, JSON.stringify({ fills }));
    if (status !== 200) throw new Error(`HTTP ${status}: ${JSON.stringify(json).slice(0, 200)}`);
    const answers = (json as { results: { exec_id: string; outcome: string }[] }).results;
    let recorded = 0;
    for (const r of answers) {
      if (r.outcome !== 'recorded') continue;
      acknowledged.push(r.exec_id);
      recorded++;
    }
    sent.push(fills.map((f) => f.exec_id));
    return recorded;
  }, () => {
    // The warm-up's fills count as acknowledged too (they are stored), but not its batches.
    sent = [];
  });
  agent.destroy();
  process.send!({ result, acknowledged, sentBatches: sent.filter((_, i) => i % 10 === 0).slice(0, 20) } satisfies HttpDriven);
}

// ---- main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const unreachable = await serverUnreachableReason(serverUrl);
  if (unreachable !== undefined) throw new Error(`the PostgreSQL server at ${serverUrl} is not reachable: ${unreachable}`);
  const bench = await createServerDatabase(serverUrl, clientCount + 2);
  const startedLoad = loadAverage();
  console.log(`write path on the PostgreSQL server, ${clientCount} clients, ${caseDurationMs} ms a case; load average ${startedLoad}`);
  try {
    const ledger = await Ledger.open({ database: bench.db });
    const pool = rawPool(bench.url);
    settle = async () => void (await pool.query('checkpoint'));
    const results: CaseResult[] = [];
    try {
      // The baseline and Fillbook in turns, each on fresh orders of its own.
      const rawClients = await createClients(ledger, null, 'raw');
      const libClients = await createClients(ledger, null, 'library');
      const [rawSingle, libSingle] = await measureAgainst(
        {
          name: 'raw SQL, one statement per fill',
          clients: rawClients,
          send: async (c, n) => {
            const at = new Date().toISOString();
            await pool.query({ name: 'raw-fill', text: rawFillSql, values: [c.accountId, c.orderIds[n % ordersPerClient], '1', priceOf(n), nextExecId(), at] });
            return 1;
          },
        },
        { name: 'library, recordFill', clients: libClients, send: async (c, n) => (await ledger.recordFill(libraryFill(c, n)), 1) },
      );
      const [rawBatch, libBatch] = await measureAgainst(
        {
          name: `raw SQL, ${batchFills} fills per statement`,
          clients: rawClients,
          send: async (c, n) => {
            const at = new Date().toISOString();
            const orderIds = Array.from({ length: batchFills }, (_, i) => c.orderIds[i % ordersPerClient]!);
            await pool.query({
              name: 'raw-batch',
              text: rawBatchSql,
              values: [c.accountId, orderIds, orderIds.map(() => nextExecId()), orderIds.map(() => '1'), orderIds.map((_, i) => priceOf(n + i)), at],
            });
            return batchFills;
          },
        },
        {
          name: `library, recordFills x ${batchFills}`,
          clients: libClients,
          send: async (c, n) => {
            const outcomes = await ledger.recordFills(Array.from({ length: batchFills }, (_, i) => libraryFill(c, n * batchFills + i)));
            if (!outcomes.every((o) => o.outcome === 'recorded')) throw new Error('a batch fill was not recorded');
            return batchFills;
          },
        },
      );
      results.push(rawSingle, rawBatch, libSingle, libBatch);

      // HTTP: the service in this process; its clients in a child process (as a bot's are), sharing
      // the 2 cores but not the service's event loop.
      const service = new FillbookService(ledger);
      const server = await buildServer({ ledger, service });
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      const port = (server.app.server.address() as AddressInfo).port;
      const { user, apiKey } = await server.users.create(`bench-${process.pid}`);
      const httpClients = await createClients(ledger, user.id, 'http');
      const acknowledged = new Map<string, number>(); // exec id -> times answered recorded
      let duplicatesAnswered = 0;
      let sentBatches: string[][] = [];
      try {
        const driven = await driveHttpInChild({ port, apiKey, clients: httpClients });
        results.push(driven.result);
        for (const execId of driven.acknowledged) acknowledged.set(execId, (acknowledged.get(execId) ?? 0) + 1);
        sentBatches = driven.sentBatches;
        // Every 10th batch sent again: each of its fills must come back as a duplicate.
        for (const execIds of sentBatches) {
          const { rows } = await pool.query<{ order_id: string; exec_id: string; quantity: string; price: string; fee: string }>(
            'select order_id, exec_id, quantity::text, price::text, fee::text from fills where exec_id = any($1::text[])',
            [execIds],
          );
          const { json } = await postJson(port, '/v1/fills/batch', apiKey, JSON.stringify({ fills: rows.map((r) => ({ order_id: r.order_id, exec_id: r.exec_id, quantity: r.quantity, price: r.price, fee: r.fee })) }));
          duplicatesAnswered += (json as { results: { outcome: string }[] }).results.filter((r) => r.outcome === 'duplicate').length;
        }
      } finally {
        await server.app.close();
        await service.stop();
      }
      const httpAccounts = httpClients.map((c) => c.accountId);
      const stored = await pool.query<{ exec_id: string; n: number }>('select exec_id, count(*)::int as n from fills where account_id = any($1::uuid[]) group by exec_id', [httpAccounts]);
      const storedCount = new Map(stored.rows.map((r) => [r.exec_id, r.n]));
      const everyAckStoredOnce = [...acknowledged].every(([execId, times]) => times === 1 && storedCount.get(execId) === 1);
      const nothingUnacknowledgedStored = stored.rows.every((r) => acknowledged.has(r.exec_id));
      const resent = sentBatches.reduce((n, b) => n + b.length, 0);
      console.log(`  HTTP exactly once: ${acknowledged.size} acknowledged, ${stored.rows.length} stored, every acknowledged fill stored once: ${everyAckStoredOnce}; nothing unacknowledged stored: ${nothingUnacknowledgedStored}; ${duplicatesAnswered}/${resent} re-sent answered duplicate`);

      const httpBatch = results[4]!;
      const ratio = (a: CaseResult, b: CaseResult) => a.fillsPerSecond / b.fillsPerSecond;
      const list = listOrders > 0 ? await orderListPage(ledger, bench.url) : undefined;
      const targets = [
        { target: `library batched >= ${libraryBatchRatioMin * 100}% of raw batched`, value: `${fmt(ratio(libBatch, rawBatch) * 100, 0)}%`, pass: ratio(libBatch, rawBatch) >= libraryBatchRatioMin },
        { target: `HTTP batched >= ${httpBatchFillsPerSecondMin} fills/s, each acknowledged fill stored once`, value: `${fmt(httpBatch.fillsPerSecond, 0)} fills/s (${fmt(ratio(httpBatch, rawBatch) * 100, 0)}% of raw batched)`, pass: httpBatch.fillsPerSecond >= httpBatchFillsPerSecondMin && everyAckStoredOnce && nothingUnacknowledgedStored && duplicatesAnswered === resent },
        { target: `single fills >= ${singleRatioMin * 100}% of raw per-fill`, value: `${fmt(ratio(libSingle, rawSingle) * 100, 0)}%`, pass: ratio(libSingle, rawSingle) >= singleRatioMin },
        { target: `single fills p99 < ${singleP99MsMax} ms`, value: `${fmt(libSingle.p99Ms, 2)} ms`, pass: libSingle.p99Ms < singleP99MsMax },
        ...(list === undefined ? [] : [{ target: `order list page at ${list.orders} orders < ${listPageMsMax} ms`, value: `first ${fmt(list.firstPageMs, 1)} ms, by a cursor mid-book ${fmt(list.cursorPageMs, 1)} ms (index on (account_id, created_at, id): ${list.indexed ? 'yes' : 'no'})`, pass: Math.max(list.firstPageMs, list.cursorPageMs) < listPageMsMax }]),
      ];
      console.log('\ntargets (ratios to the raw-SQL baseline of this run):');
      for (const t of targets) console.log(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.target}: ${t.value}`);
      console.log(`load average at the end ${loadAverage()} (at the start ${startedLoad})`);
      console.log(JSON.stringify({ bench: 'write-path', cases: results.map((r) => ({ ...r, fillsPerSecond: round(r.fillsPerSecond, 0), p50Ms: round(r.p50Ms, 2), p99Ms: round(r.p99Ms, 2) })), list, targets, load: { start: startedLoad, end: loadAverage() } }));
    } finally {
      await pool.end();
      await ledger.close();
    }
  } finally {
    await bench.drop();
    agent.destroy();
  }
}

if (process.env.FILLBOOK_BENCH_WRITE_ROLE === 'http-clients') await httpClientsMain();
else await main();
