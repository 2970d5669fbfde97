import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportColumns, exportPageRowsMax } from '../../src/exports/index.js';
import { describeEachEngine } from '../support/backends.js';
import { type Client, httpHarness } from '../support/http.js';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 14, minute)).toISOString();

describeEachEngine('fills listing and CSV exports', (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  let alice: Client;
  let bob: Client;
  let accountId: string;
  /** The odd symbol and reason every CSV must quote right. */
  const oddSymbol = 'ODD,"SYM"\nX';
  const oddReason = 'refused, "no" buying power\nsecond line';
  const ids: Record<string, string> = {};

  const post = async (client: Client, url: string, body: unknown, status = 201) => {
    const res = await client.post(url, body);
    expect(res.statusCode, res.body).toBe(status);
    return res.json() as Record<string, string>;
  };
  const csv = async (client: Client, url: string) => {
    const res = await client.get(url);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    // Streamed: no length known in advance.
    expect(res.headers['content-length']).toBeUndefined();
    const [header, ...rows] = parse(res.body, { relax_column_count: false }) as string[][];
    return { header: header!, rows, records: rows.map((r) => Object.fromEntries(header!.map((c, i) => [c, r[i]!]))) };
  };

  beforeAll(async () => {
    harness = await httpHarness(h().ledger);
    ({ alice, bob } = harness);
    accountId = (await post(alice, '/v1/accounts', { name: 'main', venue: 'manual' })).id!;
    // A round trip: entered 4 @ 100 and 6 @ 101 (fees 1 USD), exited 10 @ 110 (fee 0.5 USD).
    const pos = await post(alice, '/v1/positions', { account_id: accountId, signal_id: 'sig-rt', symbol: 'AAPL', side: 'long', target_quantity: '10' });
    ids.position = pos.id!;
    const entry = await post(alice, '/v1/orders', { account_id: accountId, position_id: pos.id, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '10', submit: false, client_order_id: 'rt-entry' });
    ids.entry = entry.id!;
    await post(alice, '/v1/fills', { order_id: entry.id, exec_id: 'E-1', quantity: '4', price: '100', fee: '0.4', fee_currency: 'USD', executed_at: at(1) });
    await post(alice, '/v1/fills', { order_id: entry.id, exec_id: 'E-2', quantity: '6', price: '101', fee: '0.6', fee_currency: 'USD', executed_at: at(2) });
    const exit = await post(alice, '/v1/orders', { account_id: accountId, position_id: pos.id, role: 'exit', symbol: 'AAPL', side: 'sell', type: 'market', quantity: '10', submit: false });
    await post(alice, '/v1/fills', { order_id: exit.id, exec_id: 'X-1', quantity: '10', price: '110', fee: '0.5', fee_currency: 'USD', executed_at: at(10) });
    // Still open: not a trade.
    const open = await post(alice, '/v1/positions', { account_id: accountId, signal_id: 'sig-open', symbol: 'MSFT', side: 'short', target_quantity: '2' });
    const openEntry = await post(alice, '/v1/orders', { account_id: accountId, position_id: open.id, symbol: 'MSFT', side: 'sell', type: 'market', quantity: '2', submit: false });
    await post(alice, '/v1/fills', { order_id: openEntry.id, exec_id: 'O-1', quantity: '2', price: '300', executed_at: at(3) });
    // A stand-alone order with the odd symbol, filled, and a rejected one with the odd reason.
    const odd = await post(alice, '/v1/orders', { account_id: accountId, symbol: oddSymbol, side: 'buy', type: 'market', quantity: '1', submit: false });
    ids.odd = odd.id!;
    await post(alice, '/v1/fills', { order_id: odd.id, exec_id: 'ODD-1', quantity: '1', price: '0.000000000001', executed_at: at(5) });
    const rejected = await post(alice, '/v1/orders', { account_id: accountId, symbol: 'TSLA', side: 'buy', type: 'market', quantity: '1', submit: false });
    await post(alice, `/v1/orders/${rejected.id}/events`, { type: 'rejected', reason: oddReason }, 200);
  });
  afterAll(async () => harness.close());

  it('lists fills newest first, paged with next_cursor, without repeats or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const res = await alice.get(`/v1/fills?account_id=${accountId}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { data: { exec_id: string }[]; next_cursor: string | null };
      expect(body.data.length).toBeLessThanOrEqual(2);
      seen.push(...body.data.map((f) => f.exec_id));
      cursor = body.next_cursor;
      if (cursor === null) break;
    }
    expect(seen).toEqual(['X-1', 'ODD-1', 'O-1', 'E-2', 'E-1']);
  });

  it('filters by time window, symbol and order, and shows what each fill traded and for whom', async () => {
    const execIds = async (query: string) => ((await alice.get(`/v1/fills?${query}`)).json() as { data: { exec_id: string }[] }).data.map((f) => f.exec_id);
    expect(await execIds(`account_id=${accountId}&since=${at(2)}&until=${at(10)}`)).toEqual(['ODD-1', 'O-1', 'E-2']);
    expect(await execIds(`symbol=MSFT`)).toEqual(['O-1']);
    expect(await execIds(`order_id=${ids.entry}`)).toEqual(['E-2', 'E-1']);
    const [fill] = ((await alice.get(`/v1/fills?order_id=${ids.entry}&limit=1`)).json() as { data: Record<string, unknown>[] }).data;
    expect(fill).toMatchObject({
      account_id: accountId, exec_id: 'E-2', symbol: 'AAPL', asset_class: 'equity', side: 'buy', quantity: '6', price: '101', fee: '0.6', fee_currency: 'USD',
      client_order_id: 'rt-entry', role: 'entry', position_id: ids.position, signal_id: 'sig-rt', executed_at: at(2),
    });
  });

  it("is scoped to the caller: another user's account is 404 and their fills are never listed", async () => {
    const res = await bob.get(`/v1/fills?account_id=${accountId}`);
    expect([res.statusCode, (res.json() as { error: { code: string } }).error.code]).toEqual([404, 'FILLBOOK_ERR_NOT_FOUND']);
    expect((await bob.get('/v1/fills')).json()).toEqual({ data: [], next_cursor: null });
    expect((await bob.get(`/v1/fills?order_id=${ids.entry}`)).json()).toEqual({ data: [], next_cursor: null });
    const csvRes = await bob.get(`/v1/exports/fills.csv?account_id=${accountId}`);
    expect(csvRes.statusCode).toBe(404);
    expect(JSON.parse(csvRes.body)).toMatchObject({ error: { code: 'FILLBOOK_ERR_NOT_FOUND' } });
  });

  it('are described in the OpenAPI document', async () => {
    const doc = (await harness.server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/fills', '/v1/exports/fills.csv', '/v1/exports/orders.csv', '/v1/exports/trades.csv']));
  });

  it('refuses bad queries with a coded 422', async () => {
    for (const query of ['cursor=nonsense', 'limit=501', 'since=yesterday', 'symbol=', 'colour=red']) {
      const res = await alice.get(`/v1/fills?${query}`);
      expect([query, res.statusCode, (res.json() as { error: { code: string } }).error.code]).toEqual([query, 422, 'FILLBOOK_ERR_VALIDATION']);
    }
    expect((await alice.get('/v1/exports/fills.csv')).statusCode).toBe(422);
    expect((await alice.get(`/v1/exports/fills.csv?account_id=${accountId}&until=soon`)).statusCode).toBe(422);
  });

  it('exports fills as CSV, oldest first, with the documented columns and quoting that survives commas, quotes and newlines', async () => {
    const { header, records } = await csv(alice, `/v1/exports/fills.csv?account_id=${accountId}`);
    expect(header).toEqual([...exportColumns.fills]);
    expect(records.map((r) => r.exec_id)).toEqual(['E-1', 'E-2', 'O-1', 'ODD-1', 'X-1']);
    expect(records[0]).toMatchObject({
      time: at(1), account_id: accountId, venue: 'manual', symbol: 'AAPL', asset_class: 'equity', side: 'buy', quantity: '4', price: '100', fee: '0.4',
      fee_currency: 'USD', order_id: ids.entry, client_order_id: 'rt-entry', broker_order_id: '', role: 'entry', position_id: ids.position, signal_id: 'sig-rt',
    });
    // The price keeps every digit (no float, no exponent) and the symbol comes back whole.
    expect(records[3]).toMatchObject({ symbol: oddSymbol, price: '0.000000000001', order_id: ids.odd });
    const window = await csv(alice, `/v1/exports/fills.csv?account_id=${accountId}&since=${at(2)}&until=${at(5)}`);
    expect(window.records.map((r) => r.exec_id)).toEqual(['E-2', 'O-1']);
  });

  it('exports orders as CSV with the reason quoted right', async () => {
    const { header, records } = await csv(alice, `/v1/exports/orders.csv?account_id=${accountId}`);
    expect(header).toEqual([...exportColumns.orders]);
    expect(records).toHaveLength(5);
    expect(records.find((r) => r.status === 'rejected')).toMatchObject({ symbol: 'TSLA', status_reason: oddReason });
    expect(records.find((r) => r.order_id === ids.entry)).toMatchObject({ sent_by: 'bot', status: 'filled', qty_filled: '10', avg_fill_price: '100.6', fees: '1', fee_currency: 'USD', signal_id: 'sig-rt' });
  });

  it('exports closed trades, one row per closed position, with averages, P&L and fees by currency', async () => {
    const { header, records } = await csv(alice, `/v1/exports/trades.csv?account_id=${accountId}`);
    expect(header).toEqual([...exportColumns.trades]);
    expect(records).toEqual([
      {
        time: at(10), account_id: accountId, venue: 'manual', symbol: 'AAPL', asset_class: 'equity', side: 'long', quantity: '10', avg_entry_price: '100.6',
        avg_exit_price: '110', realized_pnl: '92.5', quote_currency: 'USD', fees: '1.5 USD', opened_at: at(1), position_id: ids.position, signal_id: 'sig-rt', multiplier: '1',
      },
    ]);
    // The window is on the closing time.
    expect((await csv(alice, `/v1/exports/trades.csv?account_id=${accountId}&since=${at(10)}`)).records).toHaveLength(1);
    expect((await csv(alice, `/v1/exports/trades.csv?account_id=${accountId}&until=${at(10)}`)).records).toHaveLength(0);
  });

  it("shows a spread's leg fill with the leg's instrument and side", async () => {
    const spreads = await post(alice, '/v1/accounts', { name: 'spreads', venue: 'manual' });
    const order = await post(alice, '/v1/orders', {
      account_id: spreads.id, symbol: 'SPY', side: 'buy', type: 'limit', quantity: '2', limit_price: '3.00', submit: false,
      legs: [
        { symbol: 'SPY   261218C00100000', asset_class: 'option', side: 'buy', ratio: '1' },
        { symbol: 'SPY   261218C00110000', asset_class: 'option', side: 'sell', ratio: '1' },
      ],
    });
    await post(alice, '/v1/fills', { order_id: order.id, exec_id: 'L-2', leg: 2, quantity: '2', price: '2.00', executed_at: at(20) });
    const [listed] = ((await alice.get(`/v1/fills?account_id=${spreads.id}`)).json() as { data: Record<string, unknown>[] }).data;
    expect(listed).toMatchObject({ leg: 2, symbol: 'SPY   261218C00110000', asset_class: 'option', side: 'sell' });
    const { records } = await csv(alice, `/v1/exports/fills.csv?account_id=${spreads.id}`);
    expect(records).toEqual([expect.objectContaining({ leg: '2', symbol: 'SPY   261218C00110000', asset_class: 'option', side: 'sell', exec_id: 'L-2' })]);
    const orders = await csv(alice, `/v1/exports/orders.csv?account_id=${spreads.id}`);
    expect(orders.records[0]!.legs).toBe('buy 1 SPY   261218C00100000 (option); sell 1 SPY   261218C00110000 (option)');
  });

  it(`pages through more than one page (${exportPageRowsMax} rows) of fills`, async () => {
    const many = await post(alice, '/v1/accounts', { name: 'many', venue: 'manual' });
    const { ledger } = h();
    const { order } = await ledger.recordOrder({ accountId: many.id!, symbol: 'BTCUSD', side: 'buy', type: 'market', quantity: '100000', assetClass: 'crypto' });
    const n = exportPageRowsMax + 3;
    for (let i = 0; i < n; i++) {
      await ledger.recordFill({ order: { orderId: order.id }, execId: `M-${String(i).padStart(4, '0')}`, quantity: '0.5', price: '42000.01', executedAt: new Date(Date.UTC(2026, 10, 21, 0, 0, i)).toISOString() });
    }
    const { records } = await csv(alice, `/v1/exports/fills.csv?account_id=${many.id}`);
    expect(records.map((r) => r.exec_id)).toEqual(Array.from({ length: n }, (_, i) => `M-${String(i).padStart(4, '0')}`));
  });
});
