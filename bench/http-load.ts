/**
 * HTTP load benchmark: acknowledged fills per second through `POST /v1/fills` on loopback, from 8
 * concurrent keep-alive clients against a real listening server on a fresh PostgreSQL server
 * database, then a check in the database that every acknowledged fill is there exactly once.
 *
 *   npx tsx bench/http-load.ts        (or `npm run bench:http`)
 *
 * The server runs in a child process (this same file, started with FILLBOOK_BENCH_HTTP_ROLE=server),
 * so that the load generator does not share the server's event loop. See bench/README.md for what is
 * measured and how to read the output. The last line printed is one JSON object for machines.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import nodeHttp from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Ledger } from '../src/ledger/index.js';
import { buildServer } from '../src/server/index.js';
import { FillbookService } from '../src/service/index.js';
import { type Database, migrate, openDatabase, type SqlClient } from '../src/storage/index.js';
import { Users } from '../src/users/index.js';
import { createServerDatabase, loadAverage, round, serverUnreachableReason, fmt, percentile } from './support.js';

// ---- configuration (names end with their unit) -------------------------------------------------

/** Measured time; FILLBOOK_BENCH_DURATION_MS overrides it for quick tries. */
const runDurationMs = 30_000;
/** Unmeasured load before the run (JIT, plan caches, pool connections); its fills are verified too. */
const warmupDurationMs = 2_000;
const clientCount = 8;
/** The clients' orders are spread over this many accounts of the one user (venue 'manual'). */
const accountCount = 2;
/** Each client fills its own orders, round robin, so clients do not queue on one order's row lock. */
const ordersPerClient = 2;
/** Large enough that no order completes during the bench: every fill is a partial fill. */
const orderQuantityShares = '1000000000';
const fillQuantityShares = '1';
const fillPriceUsd = '10.5';
const fillFeeUsd = '0.01';
/** Every this-many-th request of a client re-sends its last acknowledged fill (same exec_id, same body): ~1%. */
const duplicateEveryRequests = 100;
/** A request without an answer after this long is aborted and counted as an error (status `timeout`). */
const requestTimeoutMs = 10_000;
const progressIntervalMs = 5_000;
const serverStartTimeoutMs = 30_000;
const serverStopTimeoutMs = 15_000;
/** Characters of a statement's text kept as its label in the per-statement counts. */
const statementLabelChars = 72;

/** Target: acknowledged (new) fills per second through HTTP, with 8 clients, on the 2-core machine. */
const throughputFillsPerSecondMin = 2_000;

const serverUrl =
  process.env.FILLBOOK_BENCH_DATABASE_URL ?? process.env.FILLBOOK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const durationOverrideMs = Number.parseInt(process.env.FILLBOOK_BENCH_DURATION_MS ?? '', 10);
const measuredDurationMs = Number.isFinite(durationOverrideMs) && durationOverrideMs > 0 ? durationOverrideMs : runDurationMs;
/** `order_id` (the order alone: the server looks its account up) or `account_id+order_id`. */
const addressing = process.env.FILLBOOK_BENCH_HTTP_ADDRESSING === 'account_id+order_id' ? 'account_id+order_id' : 'order_id';
/**
 * The load generator's HTTP client: `node-http` (the default: node:http with a keep-alive agent of
 * `clientCount` sockets) or `fetch` (Node's global fetch, undici inside, keep-alive). The load
 * generator shares the 2 cores with the server it measures, where real bots run elsewhere, so the
 * default is the one that takes least of them: ~0.2 ms of CPU per request against fetch's ~0.55 ms.
 */
const httpClient = process.env.FILLBOOK_BENCH_HTTP_CLIENT === 'fetch' ? 'fetch' : 'node-http';
/** FILLBOOK_BENCH_HTTP_PROFILE_DIR=<dir> starts the server process with `--cpu-prof` into that directory (a .cpuprofile for DevTools). */
const serverProfileDir = process.env.FILLBOOK_BENCH_HTTP_PROFILE_DIR ?? '';
/** FILLBOOK_BENCH_HTTP_LOG=1 turns on the server's request log (as `fillbook serve` has it), written to /dev/null. */
const serverLogging = process.env.FILLBOOK_BENCH_HTTP_LOG === '1';

// ---- messages between the load generator and the server process --------------------------------

type ToServer = { type: 'mark' } | { type: 'stats' } | { type: 'stop' };

interface ServerStats {
  /** CPU of the server process (user + system) since the last mark. */
  cpuUs: number;
  /** Share of wall time the server's event loop was busy since the last mark (0..1). */
  eventLoopUtilization: number;
  /** Statements sent to PostgreSQL since the last mark (autocommit and inside transactions, without BEGIN/COMMIT). */
  statements: number;
  transactions: number;
  byStatement: Record<string, number>;
  /** TCP connections the server accepted since it started (keep-alive: about one per client). */
  connectionsAccepted: number;
}

type FromServer = { type: 'ready'; port: number; pid: number } | { type: 'stats'; stats: ServerStats } | { type: 'stopped' } | { type: 'failed'; message: string };

// ---- the server process --------------------------------------------------------------------------

/** Wraps the server's database to count what it sends: statements by text, and transactions. */
function countingDatabase(db: Database) {
  const counts = { statements: 0, transactions: 0, byStatement: new Map<string, number>() };
  const note = (text: string) => {
    counts.statements += 1;
    const label = text.replace(/\s+/g, ' ').trim().slice(0, statementLabelChars);
    counts.byStatement.set(label, (counts.byStatement.get(label) ?? 0) + 1);
  };
  const counting = (sql: SqlClient): SqlClient => ({
    query: (text, params) => {
      note(text);
      return sql.query(text, params);
    },
    exec: (script) => {
      note(script);
      return sql.exec(script);
    },
  });
  const wrapped: Database = {
    engine: db.engine,
    ...counting(db),
    transaction: (work) => {
      counts.transactions += 1;
      return db.transaction((tx) => work(counting(tx)));
    },
    withAdvisoryLock: (name, work) => db.withAdvisoryLock(name, work),
    copyRows: (select, onRows) => db.copyRows(select, onRows),
    close: () => db.close(),
  };
  const reset = () => {
    counts.statements = 0;
    counts.transactions = 0;
    counts.byStatement.clear();
  };
  return { db: wrapped, counts, reset };
}

/** The child: `fillbook serve` wiring (ledger, service, server) on the given database, on an ephemeral port. */
async function serverMain(): Promise<void> {
  const send = (message: FromServer) => process.send?.(message);
  const databaseUrl = process.env.FILLBOOK_BENCH_HTTP_DATABASE_URL;
  if (databaseUrl === undefined || process.send === undefined) throw new Error('the server role is started by bench/http-load.ts');
  // Ctrl-C reaches the whole process group: the load generator decides when the server stops.
  process.on('SIGINT', () => {});
  // If the load generator goes away, so does the server.
  process.once('disconnect', () => process.exit(0));
  try {
    const raw = await openDatabase({ databaseUrl });
    const counter = countingDatabase(raw);
    const ledger = await Ledger.open({ database: counter.db });
    const service = new FillbookService(ledger, { onError: (error, context) => console.error('[server]', context, error) });
    const { app } = await buildServer({ ledger, service, logger: serverLogging ? { level: 'info' } : false });
    await service.start();
    let connectionsAccepted = 0;
    app.server.on('connection', () => (connectionsAccepted += 1));
    await app.listen({ port: 0, host: '127.0.0.1' });
    let cpuMark = process.cpuUsage();
    let eluMark = performance.eventLoopUtilization();
    process.on('message', (received: unknown) => {
      const message = received as ToServer;
      if (message.type === 'mark') {
        cpuMark = process.cpuUsage();
        eluMark = performance.eventLoopUtilization();
        counter.reset();
      } else if (message.type === 'stats') {
        const cpu = process.cpuUsage(cpuMark);
        send({
          type: 'stats',
          stats: {
            cpuUs: cpu.user + cpu.system,
            eventLoopUtilization: performance.eventLoopUtilization(eluMark).utilization,
            statements: counter.counts.statements,
            transactions: counter.counts.transactions,
            byStatement: Object.fromEntries(counter.counts.byStatement),
            connectionsAccepted,
          },
        });
      } else if (message.type === 'stop') {
        // app.close() stops accepting and lets requests in flight finish before it resolves.
        void (async () => {
          await app.close();
          await service.stop();
          await ledger.close();
          await raw.close();
          send({ type: 'stopped' });
          process.disconnect();
        })();
      }
    });
    send({ type: 'ready', port: (app.server.address() as AddressInfo).port, pid: process.pid });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
    process.disconnect();
  }
}

/** The server process, seen from the load generator. */
class ServerProcess {
  private readonly waiting: ((message: FromServer) => void)[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (message: unknown) => this.waiting.shift()?.(message as FromServer));
  }

  static async start(databaseUrl: string): Promise<ServerProcess> {
    const child = fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, FILLBOOK_BENCH_HTTP_ROLE: 'server', FILLBOOK_BENCH_HTTP_DATABASE_URL: databaseUrl },
      stdio: ['ignore', serverLogging ? 'ignore' : 'inherit', 'inherit', 'ipc'],
      execArgv: [...process.execArgv, ...(serverProfileDir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${serverProfileDir}`])],
    });
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`the server process exited early (code ${String(code)})`);
    });
    const ready = once(child, 'message').then(([message]) => message as FromServer);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the server process did not start in time')), serverStartTimeoutMs);
    });
    try {
      const message = await Promise.race([ready, exited, timeout]);
      if (message.type !== 'ready') throw new Error(`the server process failed: ${message.type === 'failed' ? message.message : message.type}`);
      exited.catch(() => {});
      return new ServerProcess(child, message.port);
    } catch (error) {
      exited.catch(() => {});
      child.kill();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private ask(message: ToServer): Promise<FromServer> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.send(message);
    });
  }

  mark(): void {
    this.child.send({ type: 'mark' } satisfies ToServer);
  }

  async stats(): Promise<ServerStats> {
    const reply = await this.ask({ type: 'stats' });
    if (reply.type !== 'stats') throw new Error(`unexpected reply from the server process: ${reply.type}`);
    return reply.stats;
  }

  /** Closes the server (requests in flight finish first) and waits for the process to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.send({ type: 'stop' } satisfies ToServer);
    const timer = setTimeout(() => this.child.kill(), serverStopTimeoutMs);
    await exited;
    clearTimeout(timer);
  }
}

// ---- the database ---------------------------------------------------------------------------------

const serverReachable = () => serverUnreachableReason(serverUrl);

interface BenchDatabase {
  name: string;
  url: string;
  /** The load generator's own connection: setup of the user, verification, backend CPU. */
  db: Database;
  drop(): Promise<void>;
}

/** A new database on the server, migrated, dropped at the end (also after Ctrl-C). */
async function freshDatabase(): Promise<BenchDatabase> {
  const fresh = await createServerDatabase(serverUrl, 2);
  try {
    await migrate(fresh.db);
  } catch (error) {
    await fresh.drop().catch(() => {});
    throw error;
  }
  return fresh;
}

// ---- CPU accounting from /proc (the PostgreSQL server is local on the bench machine) --------------

const clockTicksPerSecond = (() => {
  try {
    return Number.parseInt(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }), 10) || 100;
  } catch {
    return 100;
  }
})();

/** user + system CPU of a process in µs, or undefined when it cannot be read (gone, or not local). */
function processCpuUs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1e6) / clockTicksPerSecond : undefined;
  } catch {
    return undefined;
  }
}

/** Whole machine: busy and iowait time, in µs summed over all cores. */
function machineCpuUs(): { busyUs: number; iowaitUs: number; totalUs: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = ticks;
    const toUs = (t: number) => (t * 1e6) / clockTicksPerSecond;
    const total = user + nice + system + idle + iowait + irq + softirq + steal;
    return { busyUs: toUs(total - idle - iowait), iowaitUs: toUs(iowait), totalUs: toUs(total) };
  } catch {
    return undefined;
  }
}

/** The PostgreSQL backends connected to the bench database (the server's pool, and our own connection). */
async function backendPids(bench: BenchDatabase): Promise<number[]> {
  const rows = await bench.db.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [bench.name]);
  return rows.map((r) => Number(r.pid));
}

interface CpuSnapshot {
  atNs: bigint;
  client: NodeJS.CpuUsage;
  server: number | undefined;
  backends: Map<number, number>;
  machine: ReturnType<typeof machineCpuUs>;
}

async function cpuSnapshot(bench: BenchDatabase, server: ServerProcess): Promise<CpuSnapshot> {
  const backends = new Map<number, number>();
  for (const pid of await backendPids(bench)) {
    const us = processCpuUs(pid);
    if (us !== undefined) backends.set(pid, us);
  }
  return { atNs: process.hrtime.bigint(), client: process.cpuUsage(), server: processCpuUs(server.pid), backends, machine: machineCpuUs() };
}

interface CpuUse {
  wallMs: number;
  /** Each as CPU µs over the window; undefined when /proc could not tell. */
  clientUs: number;
  serverUs: number | undefined;
  backendsUs: number | undefined;
  backendCount: number;
  machineBusyUs: number | undefined;
  machineIowaitUs: number | undefined;
  machineTotalUs: number | undefined;
}

function cpuUse(before: CpuSnapshot, after: CpuSnapshot): CpuUse {
  const client = process.cpuUsage(before.client);
  let backendsUs: number | undefined;
  // A backend that appeared during the window counts from zero (its CPU before the window is small).
  for (const [pid, us] of after.backends) backendsUs = (backendsUs ?? 0) + us - (before.backends.get(pid) ?? 0);
  return {
    wallMs: Number(after.atNs - before.atNs) / 1e6,
    clientUs: client.user + client.system,
    serverUs: before.server === undefined || after.server === undefined ? undefined : after.server - before.server,
    backendsUs,
    backendCount: after.backends.size,
    machineBusyUs: before.machine === undefined || after.machine === undefined ? undefined : after.machine.busyUs - before.machine.busyUs,
    machineIowaitUs: before.machine === undefined || after.machine === undefined ? undefined : after.machine.iowaitUs - before.machine.iowaitUs,
    machineTotalUs: before.machine === undefined || after.machine === undefined ? undefined : after.machine.totalUs - before.machine.totalUs,
  };
}

// ---- setup through the API -------------------------------------------------------------------------

interface Http {
  base: string;
  headers: Record<string, string>;
}

/** One POST with its whole answer read; rejects with a `TimeoutError` after `requestTimeoutMs`, or on a network error. */
type Post = (http: Http, path: string, body: string) => Promise<{ status: number; text: string }>;

const postWithFetch: Post = async (http, path, body) => {
  const response = await fetch(`${http.base}${path}`, { method: 'POST', headers: http.headers, body, signal: AbortSignal.timeout(requestTimeoutMs) });
  return { status: response.status, text: await response.text() };
};

const nodeAgent = new nodeHttp.Agent({ keepAlive: true, maxSockets: clientCount });

const postWithNodeHttp: Post = (http, path, body) =>
  new Promise((resolve, reject) => {
    const request = nodeHttp.request(
      `${http.base}${path}`,
      { method: 'POST', agent: nodeAgent, headers: { ...http.headers, 'content-length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.setTimeout(requestTimeoutMs, () => request.destroy(Object.assign(new Error(`no answer within ${requestTimeoutMs} ms`), { name: 'TimeoutError' })));
    request.on('error', reject);
    request.end(body);
  });

const post: Post = httpClient === 'node-http' ? postWithNodeHttp : postWithFetch;

async function postJson(http: Http, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const { status, text } = await post(http, path, JSON.stringify(body));
  return { status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

interface OrderRef {
  accountId: string;
  orderId: string;
}

/** Accounts (venue manual) and orders recorded only (`submit: false`), through the API like a bot would. */
async function createOrders(http: Http): Promise<OrderRef[][]> {
  const accountIds: string[] = [];
  for (let a = 0; a < accountCount; a++) {
    const { status, json } = await postJson(http, '/v1/accounts', { name: `bench http account ${a}`, venue: 'manual' });
    if (status !== 201 || typeof json.id !== 'string') throw new Error(`POST /v1/accounts answered ${status}: ${JSON.stringify(json)}`);
    accountIds.push(json.id);
  }
  const perClient: OrderRef[][] = [];
  for (let c = 0; c < clientCount; c++) {
    const accountId = accountIds[c % accountIds.length]!;
    const orders: OrderRef[] = [];
    for (let o = 0; o < ordersPerClient; o++) {
      const { status, json } = await postJson(http, '/v1/orders', {
        account_id: accountId,
        symbol: 'BENCH',
        side: 'buy',
        type: 'market',
        quantity: orderQuantityShares,
        time_in_force: 'gtc',
        submit: false,
      });
      if (status !== 201 || typeof json.id !== 'string') throw new Error(`POST /v1/orders answered ${status}: ${JSON.stringify(json)}`);
      orders.push({ accountId, orderId: json.id });
    }
    perClient.push(orders);
  }
  return perClient;
}

// ---- driving and measuring ----------------------------------------------------------------------

interface Client {
  index: number;
  orders: OrderRef[];
  requests: number;
  /** The body of the client's last acknowledged new fill, re-sent as a duplicate. */
  lastAcknowledged?: { execId: string; body: string };
}

/** What the clients learned, over the warm-up and the run: the basis of the verification. */
interface Ledgerbook {
  /** exec_id → order id, for every first send answered 2xx. */
  acknowledged: Map<string, string>;
  /** First sends answered 200 (a duplicate of a fill never sent before): should not happen. */
  unexpectedDuplicates: number;
  /** exec ids whose first send got no answer (network error, timeout) or a 5xx: the server may have committed them. */
  unanswered: Set<string>;
  duplicateResends: number;
  duplicateResendsConfirmed: number;
  /** Re-sends answered otherwise than 200 duplicate, by status (and outcome). */
  duplicateResendsOther: Map<string, number>;
}

interface PhaseResult {
  newFills: number;
  duplicates: number;
  requests: number;
  elapsedNs: bigint;
  newFillLatenciesMs: number[];
  duplicateLatenciesMs: number[];
  errorsByStatus: Map<string, number>;
  firstError?: string;
}

let interrupted = false;
let execSeq = 0;

function fillBody(execId: string, order: OrderRef): string {
  return JSON.stringify({
    ...(addressing === 'account_id+order_id' ? { account_id: order.accountId } : {}),
    order_id: order.orderId,
    exec_id: execId,
    quantity: fillQuantityShares,
    price: fillPriceUsd,
    fee: fillFeeUsd,
    fee_currency: 'USD',
    liquidity: 'taker',
  });
}

/** Every client posts fills back to back (each awaits its answer) until the deadline; requests in flight finish. */
async function drive(http: Http, clients: Client[], book: Ledgerbook, durationMs: number, onProgress?: (newFills: number) => void): Promise<PhaseResult> {
  const result: PhaseResult = { newFills: 0, duplicates: 0, requests: 0, elapsedNs: 0n, newFillLatenciesMs: [], duplicateLatenciesMs: [], errorsByStatus: new Map() };
  const countError = (status: string, detail: string) => {
    result.errorsByStatus.set(status, (result.errorsByStatus.get(status) ?? 0) + 1);
    result.firstError ??= `${status}: ${detail.slice(0, 300)}`;
  };
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  const progress = onProgress === undefined ? undefined : setInterval(() => onProgress(result.newFills), progressIntervalMs);
  await Promise.all(
    clients.map(async (client) => {
      while (!interrupted && process.hrtime.bigint() < deadline) {
        client.requests += 1;
        const resend = client.requests % duplicateEveryRequests === duplicateEveryRequests / 2 ? client.lastAcknowledged : undefined;
        let execId: string;
        let body: string;
        let orderId: string;
        if (resend !== undefined) {
          ({ execId, body } = resend);
          orderId = '';
        } else {
          execSeq += 1;
          execId = `http-${process.pid}-${client.index}-${execSeq}`;
          const order = client.orders[client.requests % client.orders.length]!;
          orderId = order.orderId;
          body = fillBody(execId, order);
        }
        const before = process.hrtime.bigint();
        let status: string;
        let outcome: unknown;
        try {
          const response = await post(http, '/v1/fills', body);
          status = String(response.status);
          if (response.status >= 200 && response.status < 300) outcome = (JSON.parse(response.text) as { outcome?: unknown }).outcome;
          else countError(status, response.text);
        } catch (error) {
          status = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? 'timeout' : 'network';
          countError(status, error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : String(error));
        }
        const latencyMs = Number(process.hrtime.bigint() - before) / 1e6;
        result.requests += 1;
        if (resend !== undefined) {
          book.duplicateResends += 1;
          if (status === '200' && outcome === 'duplicate') {
            book.duplicateResendsConfirmed += 1;
            result.duplicates += 1;
            result.duplicateLatenciesMs.push(latencyMs);
          } else {
            const key = `${status}${outcome === undefined ? '' : ` ${String(outcome)}`}`;
            book.duplicateResendsOther.set(key, (book.duplicateResendsOther.get(key) ?? 0) + 1);
          }
          continue;
        }
        if (status === '201' || status === '200') {
          book.acknowledged.set(execId, orderId);
          client.lastAcknowledged = { execId, body };
          if (status === '200' || outcome !== 'recorded') book.unexpectedDuplicates += 1;
          result.newFills += 1;
          result.newFillLatenciesMs.push(latencyMs);
        } else if (status === 'timeout' || status === 'network' || status.startsWith('5')) {
          book.unanswered.add(execId);
        }
      }
    }),
  );
  if (progress !== undefined) clearInterval(progress);
  result.elapsedNs = process.hrtime.bigint() - start;
  return result;
}

function latencySummary(latenciesMs: number[]) {
  const sorted = Float64Array.from(latenciesMs).sort();
  const mean = latenciesMs.length === 0 ? Number.NaN : latenciesMs.reduce((sum, l) => sum + l, 0) / latenciesMs.length;
  return { p50Ms: round(percentile(sorted, 0.5), 3), p99Ms: round(percentile(sorted, 0.99), 3), meanMs: round(mean, 3), maxMs: round(sorted.at(-1) ?? Number.NaN, 3) };
}

// ---- verification -------------------------------------------------------------------------------

interface Check {
  check: string;
  pass: boolean;
  detail: string;
}

/** After the server has stopped (nothing in flight): the database against what the clients were told. */
async function verify(bench: BenchDatabase, clients: Client[], book: Ledgerbook): Promise<Check[]> {
  const orders = clients.flatMap((c) => c.orders);
  const accountIds = [...new Set(orders.map((o) => o.accountId))];
  const rows = await bench.db.query<{ exec_id: string; order_id: string }>('select exec_id, order_id from fills where account_id = any($1::uuid[])', [accountIds]);
  const stored = new Map<string, { orderId: string; copies: number }>();
  for (const row of rows) {
    const seen = stored.get(row.exec_id);
    if (seen === undefined) stored.set(row.exec_id, { orderId: row.order_id, copies: 1 });
    else seen.copies += 1;
  }
  let missing = 0;
  let wrongOrder = 0;
  for (const [execId, orderId] of book.acknowledged) {
    const found = stored.get(execId);
    if (found === undefined) missing += 1;
    else if (found.orderId !== orderId) wrongOrder += 1;
  }
  const multiple = [...stored.values()].filter((s) => s.copies > 1).length;
  const unacknowledged = [...stored.keys()].filter((execId) => !book.acknowledged.has(execId));
  const unacknowledgedUnanswered = unacknowledged.filter((execId) => book.unanswered.has(execId)).length;
  const unacknowledgedAnswered = unacknowledged.length - unacknowledgedUnanswered;

  const acknowledgedPerOrder = new Map<string, number>();
  for (const orderId of book.acknowledged.values()) acknowledgedPerOrder.set(orderId, (acknowledgedPerOrder.get(orderId) ?? 0) + 1);
  const orderRows = await bench.db.query<{ id: string; qty_filled: string; qty_remaining: string; quantity: string; fills: string }>(
    `select o.id, o.qty_filled, o.qty_remaining, o.quantity,
       (select count(*) from fills f where f.account_id = o.account_id and f.order_id = o.id) as fills
     from orders o where o.account_id = any($1::uuid[])`,
    [accountIds],
  );
  const badOrders = orderRows.filter(
    (o) =>
      Number(o.qty_filled) !== Number(o.fills) * Number(fillQuantityShares) ||
      Number(o.qty_remaining) !== Number(o.quantity) - Number(o.qty_filled) ||
      Number(o.fills) !== (acknowledgedPerOrder.get(o.id) ?? 0),
  );
  const [quarantine] = await bench.db.query<{ n: string }>('select count(*) as n from fill_quarantine where account_id = any($1::uuid[])', [accountIds]);
  const quarantined = Number(quarantine?.n ?? Number.NaN);

  return [
    {
      check: 'every acknowledged exec_id is in fills exactly once, on its order',
      pass: missing === 0 && multiple === 0 && wrongOrder === 0 && book.unexpectedDuplicates === 0,
      detail: `${book.acknowledged.size} acknowledged; ${missing} missing, ${multiple} stored more than once, ${wrongOrder} on another order, ${book.unexpectedDuplicates} first sends answered "duplicate"`,
    },
    {
      check: 'no fill in the database that was not acknowledged',
      pass: unacknowledgedAnswered === 0,
      detail:
        `${rows.length} fills stored, ${unacknowledged.length} not acknowledged` +
        (unacknowledgedUnanswered > 0 ? ` (${unacknowledgedUnanswered} of them after a request that got no answer or a 5xx: committed, answer lost)` : ''),
    },
    {
      check: "each order's qty_filled equals the count of its fills (and of the fills acknowledged on it)",
      pass: badOrders.length === 0 && orderRows.length === orders.length,
      detail: `${orderRows.length} orders, ${badOrders.length} disagree`,
    },
    {
      check: 'every re-sent fill came back 200 duplicate',
      pass: book.duplicateResends > 0 && book.duplicateResendsConfirmed === book.duplicateResends,
      detail:
        `${book.duplicateResendsConfirmed} of ${book.duplicateResends} re-sends` +
        (book.duplicateResendsOther.size > 0 ? `; otherwise: ${[...book.duplicateResendsOther].map(([k, n]) => `${k} x${n}`).join(', ')}` : ''),
    },
    { check: 'no fill quarantined (no conflicting duplicate, overfill or refusal)', pass: quarantined === 0, detail: `${quarantined} in fill_quarantine` },
  ];
}

// ---- main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  // `on`, not `once`: tsx (and npm) relay Ctrl-C to this process a second time, and with no listener
  // left tsx would exit at once, leaving the server process's database behind.
  process.on('SIGINT', () => {
    if (!interrupted) console.error('interrupted: letting requests in flight finish, then verifying and cleaning up');
    interrupted = true;
  });
  const started = process.hrtime.bigint();
  const shortened = measuredDurationMs !== runDurationMs;
  console.log(`http-load bench: ${availableParallelism()} cores, load average ${loadAverage()} (1/5/15 min), node ${process.version}`);
  const config = {
    runDurationMs: measuredDurationMs,
    warmupDurationMs,
    clientCount,
    accountCount,
    ordersPerClient,
    duplicateEveryRequests,
    addressing,
    serverLogging,
    httpClient: httpClient === 'fetch' ? 'global fetch (undici inside Node), keep-alive' : 'node:http, keep-alive agent',
    server: 'child process',
  };
  const unreachable = await serverReachable();
  if (unreachable !== undefined) {
    const reason = `PostgreSQL server at ${serverUrl} not reachable: ${unreachable}`;
    console.log(`SKIPPED: ${reason}`);
    console.log(JSON.stringify({ bench: 'http-load', config, skipped: reason }));
    return;
  }

  const bench = await freshDatabase();
  let server: ServerProcess | undefined;
  try {
    const { apiKey } = await new Users(bench.db).create(`bench-http-${process.pid}`);
    const serverStarted = process.hrtime.bigint();
    server = await ServerProcess.start(bench.url);
    console.log(
      `[setup] database ${bench.name}; server process ${server.pid} listening on 127.0.0.1:${server.port} ` +
        `(ready in ${(Number(process.hrtime.bigint() - serverStarted) / 1e6).toFixed(0)} ms)`,
    );
    const http: Http = { base: `http://127.0.0.1:${server.port}`, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' } };
    const perClient = await createOrders(http);
    const clients: Client[] = perClient.map((orders, index) => ({ index, orders, requests: 0 }));
    console.log(`[setup] 1 user, ${accountCount} accounts (venue manual), ${clientCount * ordersPerClient} orders (submit: false) through the API; fills address orders by ${addressing}`);

    const book: Ledgerbook = { acknowledged: new Map(), unexpectedDuplicates: 0, unanswered: new Set(), duplicateResends: 0, duplicateResendsConfirmed: 0, duplicateResendsOther: new Map() };
    const warmup = await drive(http, clients, book, warmupDurationMs);
    console.log(`[warm-up] ${warmup.newFills} fills in ${(Number(warmup.elapsedNs) / 1e6).toFixed(0)} ms`);

    server.mark();
    const before = await cpuSnapshot(bench, server);
    const runStarted = process.hrtime.bigint();
    const run = await drive(http, clients, book, measuredDurationMs, (newFills) => {
      const seconds = Number(process.hrtime.bigint() - runStarted) / 1e9;
      console.log(`[run] ${seconds.toFixed(0)} s: ${newFills} fills acknowledged (${(newFills / seconds).toFixed(0)}/s so far), load average ${loadAverage()}`);
    });
    const after = await cpuSnapshot(bench, server);
    const stats = await server.stats();
    const cpu = cpuUse(before, after);
    console.log(`[run] ${run.newFills} fills in ${(Number(run.elapsedNs) / 1e6).toFixed(0)} ms; every client's last request answered`);

    // Stop the server before verifying: anything still being handled finishes (or fails) first.
    await server.stop();
    const checks = await verify(bench, clients, book);

    report({ config, shortened, warmup, run, cpu, stats, checks, started });
  } finally {
    nodeAgent.destroy();
    await server?.stop().catch(() => {});
    await bench.drop().catch((error: unknown) => console.error(`could not drop the bench database ${bench.name}: ${String(error)}`));
  }
}

// ---- report -------------------------------------------------------------------------------------

function report(r: { config: Record<string, unknown>; shortened: boolean; warmup: PhaseResult; run: PhaseResult; cpu: CpuUse; stats: ServerStats; checks: Check[]; started: bigint }): void {
  const { run, cpu, stats } = r;
  const elapsedMs = Number(run.elapsedNs) / 1e6;
  const fillsPerSecond = round(elapsedMs > 0 ? (run.newFills * 1000) / elapsedMs : 0, 1);
  const requestsPerSecond = round(elapsedMs > 0 ? (run.requests * 1000) / elapsedMs : 0, 1);
  const fillLatency = latencySummary(run.newFillLatenciesMs);
  const duplicateLatency = latencySummary(run.duplicateLatenciesMs);
  const errors = Object.fromEntries([...run.errorsByStatus].sort());
  const errorCount = [...run.errorsByStatus.values()].reduce((sum, n) => sum + n, 0);
  const warmupErrors = [...r.warmup.errorsByStatus.values()].reduce((sum, n) => sum + n, 0);

  const header = ['requests', 'new fills', 'fills/s', 'req/s', 'p50 ms', 'p99 ms', 'mean ms', 'max ms', 're-sends', 'dup p50 ms', 'errors'];
  const row = [
    String(run.requests), String(run.newFills), fmt(fillsPerSecond, 0), fmt(requestsPerSecond, 0), fmt(fillLatency.p50Ms, 2), fmt(fillLatency.p99Ms, 2),
    fmt(fillLatency.meanMs, 2), fmt(fillLatency.maxMs, 1), String(run.duplicates), fmt(duplicateLatency.p50Ms, 2), String(errorCount),
  ];
  const widths = header.map((h, i) => Math.max(h.length, (row[i] ?? '').length));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');

  // CPU: per cent of one core over the window, and µs per acknowledged fill.
  const share = (us: number | undefined) => (us === undefined ? 'n/a' : `${((us / 1e3 / cpu.wallMs) * 100).toFixed(0)}%`);
  const perFill = (us: number | undefined) => (us === undefined || run.newFills === 0 ? 'n/a' : `${(us / run.newFills).toFixed(0)} us/fill`);
  const ours = cpu.clientUs + (cpu.serverUs ?? 0) + (cpu.backendsUs ?? 0);
  const othersUs = cpu.machineBusyUs === undefined ? undefined : Math.max(0, cpu.machineBusyUs - ours);
  const coresUs = cpu.machineTotalUs;
  const roundTripsPerRequest = run.requests > 0 ? (stats.statements + 2 * stats.transactions) / run.requests : Number.NaN;
  const statementsPerRequest = Object.entries(stats.byStatement)
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => ({ statement: label, perRequest: round(n / Math.max(1, run.requests), 3) }));

  console.log('');
  console.log('HTTP load: POST /v1/fills on loopback, server in a child process, PostgreSQL server database');
  console.log(
    `  ${clientCount} keep-alive clients (${httpClient}) for ${measuredDurationMs} ms after ${warmupDurationMs} ms warm-up; ` +
      `1 user, ${accountCount} accounts, ${ordersPerClient} orders per client; fills of ${fillQuantityShares} @ ${fillPriceUsd}, ` +
      `every ${duplicateEveryRequests}th request a re-send; addressing ${addressing}; server request log ${serverLogging ? 'on' : 'off'}`,
  );
  console.log(`  node ${process.version}, cores: ${availableParallelism()}, load average now: ${loadAverage()}${r.shortened ? `; SHORTENED run (FILLBOOK_BENCH_DURATION_MS)` : ''}`);
  console.log('');
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  console.log(line(row));
  console.log('');
  console.log(`Errors by status: ${errorCount === 0 ? 'none' : JSON.stringify(errors)}${run.firstError === undefined ? '' : ` (first: ${run.firstError})`}` + (warmupErrors > 0 ? `; warm-up errors: ${JSON.stringify(Object.fromEntries(r.warmup.errorsByStatus))}` : ''));
  console.log(`Duplicate re-sends in the run: ${run.duplicates} answered 200 duplicate, p50 ${fmt(duplicateLatency.p50Ms, 2)} ms, p99 ${fmt(duplicateLatency.p99Ms, 2)} ms`);
  console.log('');
  console.log(`CPU over the run (${(cpu.wallMs / 1e3).toFixed(1)} s; 100% = one core of ${availableParallelism()}):`);
  const cpuLine = (label: string, us: number | undefined, extra = '') => console.log(`  ${label.padEnd(44)}${share(us).padStart(5)}  ${perFill(us).padStart(14)}${extra}`);
  cpuLine('server process (Fastify + ledger)', cpu.serverUs, `   event loop busy ${(stats.eventLoopUtilization * 100).toFixed(0)}%`);
  cpuLine(`PostgreSQL backends (${cpu.backendCount} on the database)`, cpu.backendsUs);
  cpuLine(`load generator (this process, ${httpClient})`, cpu.clientUs);
  console.log(`  ${'everything else on the machine'.padEnd(44)}${share(othersUs).padStart(5)}  (other tests/benches, PostgreSQL's WAL writer and checkpointer, the OS)`);
  console.log(
    `  machine busy ${cpu.machineBusyUs === undefined || coresUs === undefined ? 'n/a' : `${((cpu.machineBusyUs / coresUs) * 100).toFixed(0)}%`} of all cores` +
      `, iowait ${cpu.machineIowaitUs === undefined || coresUs === undefined ? 'n/a' : `${((cpu.machineIowaitUs / coresUs) * 100).toFixed(0)}%`}`,
  );
  console.log('');
  console.log(
    `Round trips to PostgreSQL per request, counted in the server process: ${fmt(roundTripsPerRequest, 2)} ` +
      `(${fmt(stats.statements / Math.max(1, run.requests), 2)} statements + BEGIN/COMMIT of ${fmt(stats.transactions / Math.max(1, run.requests), 2)} transactions); ` +
      `${stats.connectionsAccepted} TCP connections accepted in all`,
  );
  for (const s of statementsPerRequest) console.log(`  ${fmt(s.perRequest, 3).padStart(6)}  ${s.statement}`);
  console.log('');
  console.log('Checks (after the server stopped, with nothing in flight):');
  for (const c of r.checks) console.log(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.check}: ${c.detail}`);
  console.log('');
  const targetPass = fillsPerSecond >= throughputFillsPerSecondMin;
  console.log('Target:');
  console.log(`  ${targetPass ? 'PASS' : 'FAIL'}  at least ${throughputFillsPerSecondMin.toLocaleString('en-US')} fills/s through HTTP on this ${availableParallelism()}-core machine: ${fmt(fillsPerSecond, 0)} fills/s${r.shortened ? ' (shortened run)' : ''}`);
  if (interrupted) console.log('INTERRUPTED: the figures above are partial.');
  const failed = r.checks.filter((c) => !c.pass).length + (targetPass ? 0 : 1);
  if (failed > 0) console.log(`${failed} check(s)/target(s) FAILED (the bench is a report; exit status stays 0).`);
  else console.log('All checks and the target met.');
  console.log('Figures are noisy on a small shared machine: other processes (tests, other benches) compete for the same cores; see "everything else" above.');
  console.log(`bench finished in ${(Number(process.hrtime.bigint() - r.started) / 1e9).toFixed(1)} s`);
  console.log('');
  console.log(
    JSON.stringify({
      bench: 'http-load',
      config: r.config,
      result: {
        requests: run.requests,
        newFills: run.newFills,
        duplicates: run.duplicates,
        elapsedMs: round(elapsedMs, 1),
        fillsPerSecond,
        requestsPerSecond,
        latencyMs: fillLatency,
        duplicateLatencyMs: duplicateLatency,
        errorsByStatus: errors,
        warmupFills: r.warmup.newFills,
      },
      cpu: {
        wallMs: round(cpu.wallMs, 1),
        serverUsPerFill: cpu.serverUs === undefined ? null : round(cpu.serverUs / Math.max(1, run.newFills), 0),
        backendsUsPerFill: cpu.backendsUs === undefined ? null : round(cpu.backendsUs / Math.max(1, run.newFills), 0),
        clientUsPerFill: round(cpu.clientUs / Math.max(1, run.newFills), 0),
        serverCores: cpu.serverUs === undefined ? null : round(cpu.serverUs / 1e3 / cpu.wallMs, 3),
        backendsCores: cpu.backendsUs === undefined ? null : round(cpu.backendsUs / 1e3 / cpu.wallMs, 3),
        clientCores: round(cpu.clientUs / 1e3 / cpu.wallMs, 3),
        othersCores: othersUs === undefined ? null : round(othersUs / 1e3 / cpu.wallMs, 3),
        serverEventLoopUtilization: round(stats.eventLoopUtilization, 3),
      },
      database: { roundTripsPerRequest: round(roundTripsPerRequest, 3), statementsPerRequest, connectionsAccepted: stats.connectionsAccepted },
      checks: r.checks,
      target: { fillsPerSecondMin: throughputFillsPerSecondMin, value: fillsPerSecond, pass: targetPass },
      interrupted,
    }),
  );
}

if (process.env.FILLBOOK_BENCH_HTTP_ROLE === 'server') await serverMain();
else await main();
