import { afterAll, beforeAll, expect, it } from 'vitest';
import { signWebhook } from '../../src/service/index.js';
import { describeEachEngine } from '../support/backends.js';
import { eventually } from '../support/eventually.js';
import { type Client, httpHarness } from '../support/http.js';

describeEachEngine('HTTP API', (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  let alice: Client;
  let bob: Client;
  beforeAll(async () => {
    harness = await httpHarness(h().ledger);
    ({ alice, bob } = harness);
  });
  afterAll(async () => harness.close());

  const account = async (client: Client, venue = 'manual', venue_config?: Record<string, unknown>) => {
    const res = await client.post('/v1/accounts', { name: 'main', venue, ...(venue_config ? { venue_config } : {}) });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; webhook_secret: string };
  };
  const code = (res: { json(): unknown }) => (res.json() as { error: { code: string } }).error.code;

  it('refuses requests without a valid API key (401)', async () => {
    const none = await harness.server.app.inject({ method: 'GET', url: '/v1/accounts' });
    expect([none.statusCode, code(none)]).toEqual([401, 'FILLBOOK_ERR_UNAUTHORIZED']);
    const wrong = await harness.server.app.inject({ method: 'GET', url: '/v1/accounts', headers: { authorization: `Bearer ${alice.key.slice(0, -2)}xx` } });
    expect(wrong.statusCode).toBe(401);
    const { key } = await harness.server.users.createKey(alice.userId, 'temp').then((k) => ({ key: k }));
    await harness.server.users.revokeKey(key.key.id);
    const revoked = await harness.server.app.inject({ method: 'GET', url: '/v1/accounts', headers: { authorization: `Bearer ${key.apiKey}` } });
    expect(revoked.statusCode).toBe(401);
  });

  it("walks the spec's example order: recorded, submitted, open, partially filled with a fee", async () => {
    const { id: accountId } = await account(alice);
    const created = await alice.post('/v1/orders', { account_id: accountId, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limit_price: '2.50', submit: false });
    expect(created.statusCode).toBe(201);
    const order = created.json() as { id: string; status: string; client_order_id: string };
    expect(order.status).toBe('pending_submit');
    expect((await alice.post(`/v1/orders/${order.id}/events`, { type: 'submitted', broker_order_id: 'B-1' })).json()).toMatchObject({ status: 'submitted', broker_order_id: 'B-1' });
    expect((await alice.post(`/v1/orders/${order.id}/events`, { type: 'open' })).json()).toMatchObject({ status: 'open' });
    const fill = await alice.post('/v1/fills', { account_id: accountId, broker_order_id: 'B-1', exec_id: 'E-1', quantity: '4', price: '2.50', fee: '0.65' });
    expect(fill.statusCode).toBe(201);
    expect((await alice.post('/v1/fills', { order_id: order.id, exec_id: 'E-1', quantity: '4', price: '2.50', fee: '0.65' })).statusCode).toBe(200);
    const detail = (await alice.get(`/v1/orders/${order.id}`)).json() as Record<string, unknown> & { fills: unknown[]; events: { type: string }[] };
    expect(detail).toMatchObject({
      account_id: accountId,
      broker_order_id: 'B-1',
      role: 'entry',
      origin: 'api',
      symbol: 'AAPL',
      asset_class: 'equity',
      side: 'buy',
      type: 'limit',
      time_in_force: 'day',
      quantity: '10',
      limit_price: '2.5',
      status: 'partially_filled',
      qty_filled: '4',
      qty_remaining: '6',
      avg_fill_price: '2.5',
      fees: '0.65',
    });
    for (const field of ['created_at', 'submitted_at', 'accepted_at', 'first_fill_at', 'updated_at']) expect(detail[field]).toEqual(expect.any(String));
    expect(detail.fills).toHaveLength(1);
    expect(detail.events.map((e) => e.type)).toEqual(['created', 'submitted', 'accepted', 'filled']);
    const replay = await alice.post('/v1/orders', { account_id: accountId, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limit_price: '2.50', submit: false, client_order_id: order.client_order_id });
    expect([replay.statusCode, (replay.json() as { id: string }).id]).toEqual([200, order.id]);
  });

  it('answers bad input with a coded error and changes nothing', async () => {
    const { id: accountId } = await account(alice);
    const base = { account_id: accountId, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limit_price: '2.50', submit: false };
    const cases: [unknown, number, string][] = [
      ['{"account_id": ', 400, 'FILLBOOK_ERR_MALFORMED_JSON'],
      [{ ...base, quantity: 10 }, 422, 'FILLBOOK_ERR_VALIDATION'],
      [{ ...base, quantity: '-1' }, 422, 'FILLBOOK_ERR_VALIDATION'],
      [{ ...base, quantity: '0' }, 422, 'FILLBOOK_ERR_VALIDATION'],
      [{ ...base, quantity: '1e3' }, 422, 'FILLBOOK_ERR_VALIDATION'],
      [{ ...base, quantity: 'ten' }, 422, 'FILLBOOK_ERR_VALIDATION'],
      [{ ...base, side: 'long' }, 422, 'FILLBOOK_ERR_VALIDATION'],
      [{ ...base, limit_price: undefined }, 422, 'FILLBOOK_ERR_INVALID_INPUT'],
      [{ ...base, symbol: 'X'.repeat(65) }, 422, 'FILLBOOK_ERR_VALIDATION'],
      [{ ...base, surprise: true }, 422, 'FILLBOOK_ERR_VALIDATION'],
      [{ ...base, symbol: 'A'.repeat(2_000_000) }, 413, 'FILLBOOK_ERR_PAYLOAD_TOO_LARGE'],
    ];
    for (const [body, status, errorCode] of cases) {
      const res = await alice.post('/v1/orders', body);
      expect([res.statusCode, code(res)], JSON.stringify(body).slice(0, 80)).toEqual([status, errorCode]);
      expect(res.body).not.toMatch(/at .*\.ts|select |insert /i);
    }
    expect(((await alice.get(`/v1/orders?account_id=${accountId}`)).json() as { data: unknown[] }).data).toEqual([]);
  });

  it('maps domain refusals to 409 and unknown resources to 404', async () => {
    const { id: accountId } = await account(alice);
    const position = (await alice.post('/v1/positions', { account_id: accountId, signal_id: 'sig', symbol: 'SPY', side: 'long', target_quantity: '5' })).json() as { id: string };
    const entry = { account_id: accountId, position_id: position.id, role: 'entry', symbol: 'SPY', side: 'buy', type: 'market', quantity: '5', submit: false };
    const first = (await alice.post('/v1/orders', entry)).json() as { id: string };
    const refused = await alice.post('/v1/orders', entry);
    expect([refused.statusCode, code(refused)]).toEqual([409, 'FILLBOOK_ERR_EXPOSURE_EXCEEDED']);
    expect((refused.json() as { error: { details: Record<string, string> } }).error.details).toMatchObject({ target: '5', filled: '0', working: '5', requested: '5' });
    await alice.post(`/v1/orders/${first.id}/events`, { type: 'rejected', reason: 'halted' });
    const transition = await alice.post(`/v1/orders/${first.id}/events`, { type: 'open' });
    expect([transition.statusCode, code(transition)]).toEqual([409, 'FILLBOOK_ERR_INVALID_TRANSITION']);
    const missing = await alice.get(`/v1/orders/${crypto.randomUUID()}`);
    expect([missing.statusCode, code(missing)]).toEqual([404, 'FILLBOOK_ERR_NOT_FOUND']);
    const noRoute = await alice.get('/v1/nothing');
    expect(noRoute.statusCode).toBe(404);
    const positionRes = await alice.get(`/v1/positions/${position.id}`);
    expect((positionRes.json() as { status: string }).status).toBe('failed');
  });

  it("never shows or changes one user's data to another (404 on every route)", async () => {
    const { id: accountId } = await account(alice, 'paper', { fillMode: 'manual', latencyMs: 0 });
    const position = (await alice.post('/v1/positions', { account_id: accountId, signal_id: 'iso', symbol: 'AAPL', side: 'long', target_quantity: '5' })).json() as { id: string };
    const order = (await alice.post('/v1/orders', { account_id: accountId, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', client_order_id: 'iso-1' })).json() as { id: string; broker_order_id: string };
    const attempts = [
      () => bob.get(`/v1/orders/${order.id}`),
      () => bob.get(`/v1/orders?account_id=${accountId}`),
      () => bob.get(`/v1/positions/${position.id}`),
      () => bob.get(`/v1/positions?account_id=${accountId}`),
      () => bob.get(`/v1/holdings?account_id=${accountId}`),
      () => bob.get(`/v1/metrics/performance?account_id=${accountId}`),
      () => bob.post(`/v1/orders/${order.id}/cancel`),
      () => bob.post(`/v1/orders/${order.id}/events`, { type: 'status_checked' }),
      () => bob.post('/v1/orders', { account_id: accountId, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' }),
      () => bob.post('/v1/positions', { account_id: accountId, signal_id: 'bob', symbol: 'AAPL', side: 'long', target_quantity: '1' }),
      () => bob.post('/v1/fills', { order_id: order.id, exec_id: 'bob-1', quantity: '1', price: '1' }),
      () => bob.post('/v1/fills', { account_id: accountId, client_order_id: 'iso-1', exec_id: 'bob-2', quantity: '1', price: '1' }),
      () => bob.post(`/v1/paper/${accountId}/orders/${order.broker_order_id}/fill`, { quantity: '1', price: '1' }),
      () => bob.post(`/v1/paper/${accountId}/orders/${order.broker_order_id}/cancel`, {}),
      () => bob.post(`/v1/paper/${accountId}/orders`, { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1' }),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect([res.statusCode, code(res)]).toEqual([404, 'FILLBOOK_ERR_NOT_FOUND']);
    }
    expect(((await bob.get('/v1/accounts')).json() as { data: unknown[] }).data.map((a) => (a as { id: string }).id)).not.toContain(accountId);
    expect(((await bob.get('/v1/orders')).json() as { data: unknown[] }).data).toEqual([]);
    const untouched = (await alice.get(`/v1/orders/${order.id}`)).json() as { status: string; fills: unknown[]; events: unknown[] };
    expect([untouched.status, untouched.fills.length, untouched.events.length]).toEqual(['open', 0, 3]);
  });

  it('submits through the paper venue, and the hand controls fill and cancel', async () => {
    const { id: accountId } = await account(alice, 'paper', { fillMode: 'manual', latencyMs: 0 });
    const order = (await alice.post('/v1/orders', { account_id: accountId, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limit_price: '2.50' })).json() as { id: string; status: string; broker_order_id: string };
    expect(order.status).toBe('open');
    const fill = await alice.post(`/v1/paper/${accountId}/orders/${order.broker_order_id}/fill`, { quantity: '4', price: '2.50' });
    expect(fill.statusCode).toBe(200);
    await eventually(async () => expect(((await alice.get(`/v1/orders/${order.id}`)).json() as { qty_filled: string }).qty_filled).toBe('4'));
    const canceled = await alice.post(`/v1/orders/${order.id}/cancel`);
    expect((canceled.json() as { status: string }).status).toBe('canceled');
    const external = await alice.post(`/v1/paper/${accountId}/orders`, { symbol: 'MSFT', side: 'sell', type: 'limit', quantity: '1', limit_price: '400', silent: true });
    expect(external.statusCode).toBe(201);
    const holdings = (await alice.get(`/v1/holdings?account_id=${accountId}`)).json() as { data: { symbol: string; net_quantity: string }[] };
    expect(holdings.data).toEqual([expect.objectContaining({ symbol: 'AAPL', net_quantity: '4' })]);
  });

  it('pages order listings with a bounded limit and a cursor, and filters them', async () => {
    const { id: accountId } = await account(alice);
    for (let i = 0; i < 5; i++) await alice.post('/v1/orders', { account_id: accountId, symbol: i % 2 ? 'MSFT' : 'AAPL', side: 'buy', type: 'market', quantity: '1', submit: false });
    const first = (await alice.get(`/v1/orders?account_id=${accountId}&limit=2`)).json() as { data: { id: string }[]; next_cursor: string };
    const second = (await alice.get(`/v1/orders?account_id=${accountId}&limit=2&cursor=${first.next_cursor}`)).json() as { data: { id: string }[]; next_cursor: string };
    const third = (await alice.get(`/v1/orders?account_id=${accountId}&limit=2&cursor=${second.next_cursor}`)).json() as { data: { id: string }[]; next_cursor: string | null };
    expect([first.data.length, second.data.length, third.data.length, third.next_cursor]).toEqual([2, 2, 1, null]);
    expect(new Set([...first.data, ...second.data, ...third.data].map((o) => o.id)).size).toBe(5);
    expect(((await alice.get(`/v1/orders?account_id=${accountId}&symbol=MSFT`)).json() as { data: unknown[] }).data).toHaveLength(2);
    expect(((await alice.get(`/v1/orders?account_id=${accountId}&status=filled,canceled`)).json() as { data: unknown[] }).data).toHaveLength(0);
    for (let i = 0; i < 3; i++) await alice.post('/v1/positions', { account_id: accountId, signal_id: `page-${i}`, symbol: 'AAPL', side: 'long', target_quantity: '1' });
    const p1 = (await alice.get(`/v1/positions?account_id=${accountId}&limit=2`)).json() as { data: { signal_id: string }[]; next_cursor: string };
    const p2 = (await alice.get(`/v1/positions?account_id=${accountId}&limit=2&cursor=${p1.next_cursor}`)).json() as { data: { signal_id: string }[]; next_cursor: string | null };
    expect([...p1.data, ...p2.data].map((p) => p.signal_id).sort()).toEqual(['page-0', 'page-1', 'page-2']);
    expect(p2.next_cursor).toBeNull();
    expect((await alice.get(`/v1/orders?limit=501`)).statusCode).toBe(422);
    expect((await alice.get(`/v1/orders?status=bogus`)).statusCode).toBe(422);
    expect((await alice.get(`/v1/orders?cursor=nope`)).statusCode).toBe(422);
  });

  it('takes signed webhooks: stored before 202, deduplicated, refused when unsigned or stale, and held until the order exists', async () => {
    const { id: accountId, webhook_secret: secret } = await account(alice, 'paper', { fillMode: 'manual' });
    const fillPayload = { type: 'fill', fill: { exec_id: 'WH-1', broker_order_id: 'P-webhook', client_order_id: 'wh-1', symbol: 'AAPL', side: 'buy', quantity: '2', price: '10', fee: '0', executed_at: '2026-11-20T15:00:00.000Z' } };
    const body = JSON.stringify(fillPayload);
    const send = (signature: string | undefined, payload = body) =>
      harness.server.app.inject({ method: 'POST', url: `/v1/webhooks/paper/${accountId}`, headers: { 'content-type': 'application/json', ...(signature ? { 'fillbook-signature': signature } : {}) }, payload });
    expect((await send(undefined)).statusCode).toBe(401);
    expect((await send(signWebhook('whsec_wrong', body))).statusCode).toBe(401);
    expect((await send(signWebhook(secret, body, new Date(Date.now() - 3_600_000)))).statusCode).toBe(401);
    expect((await send(signWebhook(secret, body), body.replace('"2"', '"3"'))).statusCode).toBe(401);
    const accepted = await send(signWebhook(secret, body));
    expect([accepted.statusCode, (accepted.json() as { duplicate: boolean }).duplicate]).toEqual([202, false]);
    const replayed = await send(signWebhook(secret, body));
    expect([replayed.statusCode, (replayed.json() as { duplicate: boolean }).duplicate]).toEqual([202, true]);
    // The fill arrived before the order: it waits in the inbox.
    await harness.server.inbox.processDue();
    const item = (await h().db.query<{ status: string }>('select status from webhook_inbox where account_id = $1', [accountId]))[0];
    expect(item?.status).toBe('waiting');
    // The order appears (reported by the bot), and the waiting fill is matched on the next pass.
    const order = (await alice.post('/v1/orders', { account_id: accountId, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '2', client_order_id: 'wh-1', submit: false })).json() as { id: string };
    // (Passes kicked by the deliveries above may still be running; the sweep goes on until it matches.)
    const detail = await eventually(async () => {
      await h().db.query(`update webhook_inbox set next_attempt_at = now() where account_id = $1 and status = 'waiting'`, [accountId]);
      await harness.server.inbox.processDue();
      const d = (await alice.get(`/v1/orders/${order.id}`)).json() as { status: string; fills: { exec_id: string; source: string }[] };
      expect(d.status).toBe('filled');
      return d;
    });
    expect([detail.status, detail.fills.map((f) => [f.exec_id, f.source])]).toEqual(['filled', [['WH-1', 'webhook']]]);
    expect((await send(signWebhook(secret, '{"type":"fill"}'), '{"type":"fill"}')).statusCode).toBe(422);
    expect((await harness.server.app.inject({ method: 'POST', url: `/v1/webhooks/alpaca/${accountId}`, headers: { 'content-type': 'application/json' }, payload: body })).statusCode).toBe(404);
  });

  it('serves health, Prometheus metrics and the OpenAPI document', async () => {
    expect((await harness.server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const metrics = (await harness.server.app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const name of ['fillbook_orders', 'fillbook_fills_ingested_total', 'fillbook_guard_refusals_total', 'fillbook_webhook_inbox_depth', 'fillbook_http_request_duration_seconds']) expect(metrics).toContain(name);
    const doc = (await harness.server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/v1/accounts', '/v1/positions', '/v1/orders', '/v1/orders/{id}', '/v1/orders/{id}/cancel', '/v1/orders/{id}/events', '/v1/fills', '/v1/holdings', '/v1/metrics/performance', '/v1/webhooks/{venue}/{account_id}']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(JSON.stringify(doc.paths['/v1/orders']?.post?.requestBody)).toContain('#/components/schemas/OrderCreate');
    expect(JSON.stringify(doc.components.schemas.OrderCreate)).toContain('client_order_id');
  });
});
