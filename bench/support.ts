import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { type Database, type EngineName, openDatabase } from '../src/storage/index.js';

/** What the benches share: a throwaway database on either engine, and a few number helpers. */

export const serverConnectTimeoutMs = 2_000;

/** undefined when the server answers; otherwise why not. */
export async function serverUnreachableReason(serverUrl: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: serverConnectTimeoutMs });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

export interface ServerDatabase {
  name: string;
  url: string;
  db: Database;
  drop(): Promise<void>;
}

/** A new database on the server (`fillbook_bench_<pid>_<random>`), dropped by `drop`, also when opening it fails. */
export async function createServerDatabase(serverUrl: string, poolSize?: number): Promise<ServerDatabase> {
  const name = `fillbook_bench_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const dropDatabase = async () => {
    const dropper = new pg.Client({ connectionString: serverUrl });
    await dropper.connect();
    try {
      await dropper.query(`drop database if exists ${name} with (force)`);
    } finally {
      await dropper.end();
    }
  };
  let db: Database;
  try {
    db = await openDatabase({ databaseUrl: url.toString(), ...(poolSize === undefined ? {} : { poolSize }) });
  } catch (error) {
    await dropDatabase().catch(() => {});
    throw error;
  }
  return {
    name,
    url: url.toString(),
    db,
    async drop() {
      await db.close().catch(() => {});
      await dropDatabase();
    },
  };
}

/** A throwaway database: PGlite in memory, or a new database on the server. */
export async function freshBenchDatabase(engine: EngineName, serverUrl: string, poolSize?: number): Promise<{ db: Database; drop(): Promise<void> }> {
  if (engine === 'pglite') {
    const db = await openDatabase({});
    return { db, drop: () => db.close() };
  }
  return createServerDatabase(serverUrl, poolSize);
}

export const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(' ');

export const round = (value: number, places: number) => (Number.isFinite(value) ? Number(value.toFixed(places)) : value);

/** The value at `fraction` (0..1) of latencies sorted ascending, by nearest rank; NaN when there are none. */
export function percentile(sortedMs: Float64Array, fraction: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const rank = Math.min(sortedMs.length, Math.max(1, Math.ceil(fraction * sortedMs.length)));
  return sortedMs[rank - 1] ?? Number.NaN;
}

/** A figure for a table: fixed places, or `n/a` when there is none. */
export function fmt(value: number | null | undefined, places: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(places);
}

/** What a measured child process sends back: its result, or why it failed. */
export type FromChild<R> = { type: 'result'; result: R } | { type: 'failed'; message: string };

/** The child of a `measureInChild` in flight, to kill on Ctrl-C. */
let runningChild: ChildProcess | undefined;
export const killRunningChild = () => runningChild?.kill();

/**
 * Runs `file` again in a fresh process (so that its peak RSS is the run's alone) with `env` added
 * and this process's flags plus `--expose-gc`, the heap limit and `execArgv`, and returns the
 * result it sends over IPC. `what` names the run in errors ("the import", "the run"); the child is
 * killed after `timeoutMs`.
 */
export async function measureInChild<R>(
  file: string,
  options: { env: Record<string, string>; execArgv: string[]; maxOldSpaceMiB: number | undefined; timeoutMs: number; what: string },
): Promise<R> {
  const child = fork(file, [], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // --expose-gc: the child collects before it takes its baseline.
    execArgv: [...process.execArgv, '--expose-gc', ...(options.maxOldSpaceMiB === undefined ? [] : [`--max-old-space-size=${options.maxOldSpaceMiB}`]), ...options.execArgv],
  });
  runningChild = child;
  let message: FromChild<R> | undefined;
  child.on('message', (m: unknown) => (message ??= m as FromChild<R>));
  const timer = setTimeout(() => child.kill(), options.timeoutMs);
  try {
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    if (message?.type === 'result') return message.result;
    if (message?.type === 'failed') throw new Error(`${options.what} failed: ${message.message}`);
    throw new Error(`${options.what} exited without a result (code ${String(code)}, signal ${String(signal)}${code === 134 || signal === 'SIGABRT' ? ': out of memory?' : ''})`);
  } finally {
    clearTimeout(timer);
    runningChild = undefined;
  }
}

/**
 * The child's side of `measureInChild`: reads its request from the environment variable `requestVar`,
 * runs it and sends back the result, or why it failed. Ctrl-C reaches the whole process group, so
 * the child ignores it (the parent decides when a run is abandoned); a parent gone ends the child.
 */
export async function answerParent<Q, R>(requestVar: string, startedBy: string, run: (request: Q) => Promise<R>): Promise<void> {
  const request = JSON.parse(process.env[requestVar] ?? 'null') as Q | null;
  if (request === null || process.send === undefined) throw new Error(`the run role is started by ${startedBy}`);
  const send = (message: FromChild<R>) => process.send?.(message);
  process.on('SIGINT', () => {});
  process.once('disconnect', () => process.exit(0));
  try {
    send({ type: 'result', result: await run(request) });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
  } finally {
    process.disconnect();
  }
}

/**
 * The CPU time of the server processes that serve the bench database (the measured process's connections),
 * read from /proc every `serverCpuSampleIntervalMs` (the server runs on this machine): the
 * database's share of the work, which the load of other processes moves much less than wall time.
 * A connection that closes between two samples loses at most one interval of its CPU.
 */
const serverCpuSampleIntervalMs = 500;
const clockTicksPerSecond = 100;

export class ServerCpu {
  private readonly ticks = new Map<number, number>();
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  readable = true;

  /** CPU the connections had used when the measurement started. */
  private before = 0;

  async start(databaseUrl: string): Promise<void> {
    this.client = new pg.Client({ connectionString: databaseUrl });
    await this.client.connect();
    await this.sample();
    this.before = this.total();
    this.timer = setInterval(() => void this.sample(), serverCpuSampleIntervalMs);
  }

  private total(): number {
    return [...this.ticks.values()].reduce((a, b) => a + b, 0);
  }

  async sample(): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    const rows = (await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()').catch(() => ({ rows: [] }))).rows;
    for (const { pid } of rows) {
      try {
        // Fields 14 and 15 (utime, stime) after the parenthesised command name.
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        this.ticks.set(pid, Number(fields[11]) + Number(fields[12]));
      } catch (error) {
        // A connection that closed since the query is gone from /proc: its last interval is lost (above).
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.readable = false;
      }
    }
  }

  async stop(): Promise<number> {
    clearInterval(this.timer);
    await this.sample();
    await this.client?.end().catch(() => {});
    this.client = undefined;
    return ((this.total() - this.before) / clockTicksPerSecond) * 1000;
  }
}
