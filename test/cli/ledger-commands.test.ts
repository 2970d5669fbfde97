import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { buildServer } from '../../src/server/index.js';
import { Users } from '../../src/users/index.js';
import { repoRoot } from '../support/process.js';

const run = promisify(execFile);
const cli = ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts')];

describe('fillbook accounts, orders and export (reading the embedded database)', { timeout: 180_000 }, () => {
  let dir: string;
  let dataDir: string;
  let apiKey: string;
  let accountId: string;
  let otherAccountId: string;
  const orderIds: string[] = [];
  const fillbook = async (...args: string[]) => {
    const env = { ...process.env };
    delete env.FILLBOOK_DATABASE_URL;
    return run(process.execPath, [...cli, ...args], { cwd: repoRoot, env });
  };
  /** The HTTP API's answers to the same questions, from a server over the same data (the commands only read). */
  const expected = new Map<string, string>();
  const api = (url: string) => {
    const body = expected.get(url);
    if (body === undefined) throw new Error(`no API answer kept for ${url}`);
    return { body, json: () => JSON.parse(body) as unknown };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fillbook-cli-'));
    dataDir = join(dir, 'data');
    const ledger = await Ledger.open({ dataDir });
    const users = new Users(ledger.db);
    const alice = await users.create('alice');
    const bob = await users.create('bob');
    apiKey = alice.apiKey;
    accountId = (await ledger.createAccount({ name: 'main, "the one"', venue: 'manual', userId: alice.user.id })).id;
    otherAccountId = (await ledger.createAccount({ name: 'bobs', venue: 'manual', userId: bob.user.id })).id;
    for (const [i, symbol] of ['AAPL', 'MSFT', 'SPY'].entries()) {
      const { order } = await ledger.recordOrder({ accountId, symbol, side: 'buy', type: 'limit', quantity: '10', limitPrice: '2.5', clientOrderId: `c-${i}` });
      orderIds.push(order.id);
      await ledger.recordFill({ order: { orderId: order.id }, execId: `E-${i}`, quantity: '4', price: '2.49', fee: '0.65', feeCurrency: 'USD', executedAt: new Date(Date.UTC(2026, 10, 20, 15, i)).toISOString() });
    }
    const { app } = await buildServer({ ledger });
    for (const url of [
      '/v1/accounts',
      `/v1/orders?account_id=${accountId}&limit=2`,
      `/v1/orders/${orderIds[0]}`,
      `/v1/exports/fills.csv?account_id=${accountId}`,
      `/v1/exports/orders.csv?account_id=${accountId}&since=2000-01-01T00:00:00.000Z`,
    ]) {
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${apiKey}` } });
      expect(res.statusCode, res.body).toBe(200);
      expected.set(url, res.body);
    }
    await app.close();
    await ledger.close();
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('names FILLBOOK_DATABASE_URL in --help', async () => {
    expect((await fillbook('--help')).stdout).toMatch(/FILLBOOK_DATABASE_URL/);
    expect((await fillbook('export', '--help')).stdout).toMatch(/FILLBOOK_DATABASE_URL is set/);
  });

  it('accounts list --json is the API shape, and --user scopes it', async () => {
    const all = JSON.parse((await fillbook('accounts', 'list', '--json', '--data-dir', dataDir)).stdout) as { data: { id: string }[] };
    expect(all.data.map((a) => a.id).sort()).toEqual([accountId, otherAccountId].sort());
    const mine = JSON.parse((await fillbook('accounts', 'list', '--user', 'alice', '--json', '--data-dir', dataDir)).stdout) as unknown;
    expect(mine).toEqual(api('/v1/accounts').json());
  });

  it('orders list --json pages as GET /v1/orders does; orders show --json is GET /v1/orders/{id}', async () => {
    const first = JSON.parse((await fillbook('orders', 'list', '--account', accountId, '--limit', '2', '--json', '--data-dir', dataDir)).stdout) as { data: { id: string }[]; next_cursor: string };
    expect(first).toEqual(api(`/v1/orders?account_id=${accountId}&limit=2`).json());
    expect(first.data.map((o) => o.id)).toEqual([orderIds[2], orderIds[1]]);
    const second = JSON.parse((await fillbook('orders', 'list', '--account', accountId, '--limit', '2', '--cursor', first.next_cursor, '--json', '--data-dir', dataDir)).stdout) as { data: { id: string }[]; next_cursor: null };
    expect([second.data.map((o) => o.id), second.next_cursor]).toEqual([[orderIds[0]], null]);
    const shown = JSON.parse((await fillbook('orders', 'show', orderIds[0]!, '--json', '--data-dir', dataDir)).stdout) as { fills: unknown[]; events: unknown[] };
    expect(shown).toEqual(api(`/v1/orders/${orderIds[0]}`).json());
    expect([shown.fills.length, shown.events.length]).toEqual([1, 2]);
    const text = (await fillbook('orders', 'show', orderIds[0]!, '--data-dir', dataDir)).stdout;
    expect(text).toMatch(/partially_filled +buy 10 AAPL limit @ 2\.5, filled 4 at 2\.49/);
    expect(text).toMatch(/4 @ 2\.49 {2}fee 0\.65 USD {2}E-0/);
  });

  it('refuses a bad status or limit before opening the database', async () => {
    const bad = await fillbook('orders', 'list', '--status', 'done', '--data-dir', dataDir).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 1 });
    expect((bad as { stderr: string }).stderr).toMatch(/unknown status done/);
    const limit = await fillbook('orders', 'list', '--limit', '0', '--data-dir', dataDir).catch((e: { code: number }) => e);
    expect(limit).toMatchObject({ code: 1 });
  });

  it('export writes the same CSV as the HTTP export, to a file (renamed when complete) or to standard output', async () => {
    const out = join(dir, 'fills.csv');
    const written = await fillbook('export', 'fills', '--account', accountId, '--out', out, '--data-dir', dataDir);
    expect(written.stderr).toMatch(/wrote .*fills\.csv/);
    const file = await readFile(out, 'utf8');
    expect(file).toBe(api(`/v1/exports/fills.csv?account_id=${accountId}`).body);
    expect(file.split('\n').filter((l) => l !== '')).toHaveLength(4);
    expect(await readdir(dir)).not.toContain('fills.csv.partial');
    // Not a terminal: no progress bar, only the CSV.
    const piped = await fillbook('export', 'orders', '--account', accountId, '--since', '2000-01-01', '--data-dir', dataDir);
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toBe(api(`/v1/exports/orders.csv?account_id=${accountId}&since=2000-01-01T00:00:00.000Z`).body);
    const none = await fillbook('export', 'trades', '--account', accountId, '--until', '2000-01-01T00:00:00Z', '--data-dir', dataDir);
    expect(none.stdout.trim()).toBe('time,account_id,venue,symbol,asset_class,side,quantity,avg_entry_price,avg_exit_price,realized_pnl,quote_currency,fees,opened_at,position_id,signal_id,multiplier');
  });

  // util-linux's `script` runs the command on a pseudo-terminal, as a person at a terminal would.
  it.skipIf(!existsSync('/usr/bin/script'))('export shows a progress bar on a terminal, and the file is the same', async () => {
    const out = join(dir, 'tty-fills.csv');
    const command = [process.execPath, ...cli, 'export', 'fills', '--account', accountId, '--out', out, '--data-dir', dataDir].join(' ');
    const env = { ...process.env };
    delete env.FILLBOOK_DATABASE_URL;
    const { stdout } = await run('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd: repoRoot, env });
    expect(stdout).toMatch(/fills \[[^\]]+\] 3\/3/);
    expect(await readFile(out, 'utf8')).toBe(await readFile(join(dir, 'fills.csv'), 'utf8'));
  });
});
