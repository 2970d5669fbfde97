import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signWebhook } from '../../src/service/index.js';
import { describeEachEngine } from '../support/backends.js';
import { type Client, httpHarness } from '../support/http.js';
import { changedTables, tableFingerprints } from '../support/tables.js';

/**
 * Issue 13: every write route, attacked with each class of hostile input, answers the coded 4xx it
 * should, and nothing it refused changed any table. A case is [label, request, status, code].
 */
interface Ids {
  account: string;
  manual: string;
  order: string;
  brokerOrderId: string;
  webhookSecret: string;
}

interface WriteRoute {
  name: string;
  url: (ids: Ids) => string;
  body: (ids: Ids) => Record<string, unknown>;
  /** Fields holding free text (NUL, SQL, unicode go there). */
  text: string[];
  decimals: string[];
  times: string[];
}

const routes: WriteRoute[] = [
  { name: 'POST /v1/accounts', url: () => '/v1/accounts', body: () => ({ name: 'n', venue: 'paper', venue_config: { fillMode: 'manual' } }), text: ['name'], decimals: [], times: [] },
  {
    name: 'POST /v1/positions',
    url: () => '/v1/positions',
    body: (ids) => ({ account_id: ids.account, signal_id: 'sig', symbol: 'AAPL', side: 'long', target_quantity: '10' }),
    text: ['signal_id', 'symbol'],
    decimals: ['target_quantity'],
    times: [],
  },
  {
    name: 'POST /v1/orders',
    url: () => '/v1/orders',
    body: (ids) => ({ account_id: ids.account, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '1', limit_price: '2', client_order_id: 'h-1', submit: false }),
    text: ['symbol', 'client_order_id'],
    decimals: ['quantity', 'limit_price'],
    times: [],
  },
  { name: 'POST /v1/orders/{id}/cancel', url: (ids) => `/v1/orders/${ids.order}/cancel`, body: () => ({}), text: [], decimals: [], times: [] },
  {
    name: 'POST /v1/orders/{id}/events',
    url: (ids) => `/v1/orders/${ids.order}/events`,
    body: () => ({ type: 'open', reason: 'r', broker_order_id: 'B-h', at: '2026-01-02T03:04:05Z' }),
    text: ['reason', 'broker_order_id'],
    decimals: [],
    times: ['at'],
  },
  {
    name: 'POST /v1/fills',
    url: () => '/v1/fills',
    body: (ids) => ({ order_id: ids.order, exec_id: 'E-h', quantity: '1', price: '2', fee: '0.1', executed_at: '2026-01-02T03:04:05Z' }),
    text: ['exec_id'],
    decimals: ['quantity', 'price', 'fee'],
    times: ['executed_at'],
  },
  {
    name: 'POST /v1/paper/{account}/orders/{broker_order_id}/fill',
    url: (ids) => `/v1/paper/${ids.account}/orders/${ids.brokerOrderId}/fill`,
    body: () => ({ quantity: '1', price: '2', silent: true }),
    text: [],
    decimals: ['quantity', 'price'],
    times: [],
  },
  { name: 'POST /v1/paper/{account}/orders/{broker_order_id}/cancel', url: (ids) => `/v1/paper/${ids.account}/orders/${ids.brokerOrderId}/cancel`, body: () => ({ silent: true }), text: [], decimals: [], times: [] },
  {
    name: 'POST /v1/paper/{account}/orders',
    url: (ids) => `/v1/paper/${ids.account}/orders`,
    body: () => ({ symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '1', limit_price: '2', client_order_id: 'ext-h', silent: true }),
    text: ['symbol', 'client_order_id'],
    decimals: ['quantity', 'limit_price'],
    times: [],
  },
  {
    name: 'POST /v1/fees',
    url: () => '/v1/fees',
    body: (ids) => ({ account_id: ids.account, fee_id: 'FEE-h', order_id: ids.order, amount: '0.25', currency: 'USD', kind: 'CFEE', charged_at: '2026-01-02T03:04:05Z' }),
    text: ['fee_id', 'kind'],
    decimals: ['amount'],
    times: ['charged_at'],
  },
  // A batch's fills are judged one by one (a bad one is `refused` in its result); the body as a whole meets the byte, key, depth and size classes.
  { name: 'POST /v1/fills/batch', url: () => '/v1/fills/batch', body: (ids) => ({ fills: [{ order_id: ids.order, exec_id: 'E-hb', quantity: '1', price: '2' }] }), text: [], decimals: [], times: [] },
  { name: 'POST /v1/reconciliations', url: () => '/v1/reconciliations', body: (ids) => ({ account_id: ids.account, actions: ['import_fills'] }), text: [], decimals: [], times: [] },
];

const wrongType = (value: unknown): unknown => (typeof value === 'string' ? 42 : typeof value === 'number' ? '1' : typeof value === 'boolean' ? 'true' : Array.isArray(value) ? { a: 1 } : 'text');
const badDecimals: unknown[] = ['1e3', '-0', 'NaN', 'Infinity', '-Infinity', '0x10', ' 1', '1.', '.5', '+1', 1.5, ''];
const deep = (levels: number) => '{"x":'.repeat(levels) + '1' + '}'.repeat(levels);

describeEachEngine('hostile input on every write route', (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  let alice: Client;
  let ids: Ids;
  beforeAll(async () => {
    harness = await httpHarness(h().ledger, { reconcileAtStart: false, reconcileIntervalMs: 0 });
    ({ alice } = harness);
    const paper = (await alice.post('/v1/accounts', { name: 'p', venue: 'paper', venue_config: { fillMode: 'manual', latencyMs: 0 } })).json() as { id: string; webhook_secret: string };
    const manual = (await alice.post('/v1/accounts', { name: 'm', venue: 'manual' })).json() as { id: string };
    const order = (await alice.post('/v1/orders', { account_id: paper.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '5', limit_price: '10' })).json() as { id: string; broker_order_id: string };
    expect(order.broker_order_id).toMatch(/\S/);
    ids = { account: paper.id, manual: manual.id, order: order.id, brokerOrderId: order.broker_order_id, webhookSecret: paper.webhook_secret };
  });
  afterAll(async () => harness.close());

  const send = (method: string, url: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
    harness.server.app.inject({ method: method as 'POST', url, payload, headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'application/json', ...headers } });
  const errorOf = (res: LightMyRequestResponse) => {
    const body = res.json() as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    expect(Object.keys(body.error ?? {}).sort(), `${res.statusCode} ${res.body}`).toEqual(['code', 'details', 'message']);
    return body.error!.code;
  };

  /** Sends every case, checks each status and code, and that no table changed across them. */
  async function expectRefused(cases: [label: string, send: () => Promise<LightMyRequestResponse>, status: number, code: string][]) {
    const before = await tableFingerprints(h().db);
    const wrong: string[] = [];
    for (const [label, request, status, code] of cases) {
      const res = await request();
      const got = `${res.statusCode} ${res.statusCode >= 400 ? String(errorOf(res)) : res.body.slice(0, 200)}`;
      if (got !== `${status} ${code}`) wrong.push(`${label}: expected ${status} ${code}, got ${got}`);
    }
    expect(wrong).toEqual([]);
    expect(changedTables(before, await tableFingerprints(h().db))).toEqual([]);
  }

  for (const route of routes) {
    it(`${route.name}: wrong types, bad decimals, NUL, years 0 and 10000 → 422, nothing changed`, async () => {
      const base = route.body(ids);
      const url = route.url(ids);
      const post = (body: unknown) => () => send('POST', url, JSON.stringify(body));
      const cases: Parameters<typeof expectRefused>[0] = [];
      for (const [field, value] of Object.entries(base)) cases.push([`${field} of the wrong type`, post({ ...base, [field]: wrongType(value) }), 422, 'FILLBOOK_ERR_VALIDATION']);
      for (const field of route.decimals) for (const bad of badDecimals) cases.push([`${field} = ${JSON.stringify(bad)}`, post({ ...base, [field]: bad }), 422, 'FILLBOOK_ERR_VALIDATION']);
      for (const field of route.text) cases.push([`NUL in ${field}`, post({ ...base, [field]: 'A\u0000B' }), 422, 'FILLBOOK_ERR_VALIDATION']);
      for (const field of route.times) {
        for (const t of ['0000-01-01T00:00:00Z', '10000-01-01T00:00:00Z', '+010000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z']) {
          cases.push([`${field} = ${t}`, post({ ...base, [field]: t }), 422, 'FILLBOOK_ERR_VALIDATION']);
        }
      }
      cases.push(['an unknown field', post({ ...base, extra_field: 1 }), 422, 'FILLBOOK_ERR_VALIDATION']);
      cases.push(['NUL in a key', post({ ...base, 'a\u0000': 1 }), 422, 'FILLBOOK_ERR_VALIDATION']);
      await expectRefused(cases);
    });

    it(`${route.name}: bad bytes, duplicate keys, deep nesting, huge bodies, encoded paths → coded 4xx, nothing changed`, async () => {
      const base = route.body(ids);
      const url = route.url(ids);
      const json = JSON.stringify(base);
      const firstKey = Object.keys(base)[0];
      const cases: Parameters<typeof expectRefused>[0] = [
        ['invalid UTF-8 (0xff)', () => send('POST', url, Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])), 400, 'FILLBOOK_ERR_INVALID_ENCODING'],
        ['an overlong UTF-8 encoding of "/"', () => send('POST', url, Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')])), 400, 'FILLBOOK_ERR_INVALID_ENCODING'],
        ['a lone surrogate', () => send('POST', url, json.replace(/}$/, `${json === '{}' ? '' : ','}"x":"\\ud800"}`)), 400, 'FILLBOOK_ERR_INVALID_ENCODING'],
        ['deep nesting (5000 levels)', () => send('POST', url, deep(5000)), 400, 'FILLBOOK_ERR_TOO_DEEP'],
        ['deep nesting (33 levels)', () => send('POST', url, deep(33)), 400, 'FILLBOOK_ERR_TOO_DEEP'],
        ['a body over 1 MiB', () => send('POST', url, JSON.stringify({ x: 'a'.repeat(1_100_000) })), 413, 'FILLBOOK_ERR_PAYLOAD_TOO_LARGE'],
        ['malformed JSON', () => send('POST', url, '{"x":'), 400, 'FILLBOOK_ERR_MALFORMED_JSON'],
        ['a __proto__ key', () => send('POST', url, '{"__proto__":{"admin":true}}'), 400, 'FILLBOOK_ERR_MALFORMED_JSON'],
        ['not JSON at all', () => send('POST', url, 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE'],
        ['no credentials', () => harness.server.app.inject({ method: 'POST', url, payload: json, headers: { 'content-type': 'application/json' } }), 401, 'FILLBOOK_ERR_UNAUTHORIZED'],
        ['an encoded path, no credentials', () => harness.server.app.inject({ method: 'POST', url: url.replace('/v1/', '/%761/'), payload: json, headers: { 'content-type': 'application/json' } }), 401, 'FILLBOOK_ERR_UNAUTHORIZED'],
      ];
      if (/[0-9a-f-]{36}/.test(url)) {
        cases.push(['a path parameter over 100 characters', () => send('POST', url.replace(/[0-9a-f-]{36}/, 'a'.repeat(150)), json), 414, 'FILLBOOK_ERR_URI_TOO_LONG']);
        cases.push(['a bad percent-encoding in a path parameter', () => send('POST', url.replace(/[0-9a-f-]{36}/, '%zz'), json), 400, 'FILLBOOK_ERR_BAD_REQUEST']);
        cases.push(['NUL in a path parameter', () => send('POST', url.replace(/[0-9a-f-]{36}/, 'a%00b'), json), 422, 'FILLBOOK_ERR_VALIDATION']);
      }
      if (firstKey !== undefined) {
        // The last value would win in JSON.parse; each case must be refused, never half-read.
        cases.push(['a duplicate key', () => send('POST', url, json.replace(/}$/, `,${JSON.stringify(firstKey)}:${JSON.stringify(wrongType(base[firstKey]) === 42 ? 'other' : base[firstKey])}}`)), 400, 'FILLBOOK_ERR_DUPLICATE_KEY']);
        cases.push(['a duplicate key, same value', () => send('POST', url, json.replace(/}$/, `,${JSON.stringify(firstKey)}:${JSON.stringify(base[firstKey])}}`)), 400, 'FILLBOOK_ERR_DUPLICATE_KEY']);
      }
      await expectRefused(cases);
    });
  }

  it('SQL and unicode in text are stored and returned exactly, as data', async () => {
    const texts = ["'; drop table orders; --", 'Robert"); delete from fills where (1=1', '名前 🚀 é\u0301 \u202eevil\u202c', '\\x00 %00 $1 \\\\'];
    for (const [i, t] of texts.entries()) {
      const account = await alice.post('/v1/accounts', { name: t, venue: 'manual' });
      expect(account.statusCode).toBe(201);
      expect((account.json() as { name: string }).name).toBe(t);
      const position = await alice.post('/v1/positions', { account_id: ids.account, signal_id: `${t}-${i}`, symbol: t.slice(0, 60), side: 'long', target_quantity: '1' });
      expect(position.statusCode).toBe(201);
      expect((position.json() as { signal_id: string }).signal_id).toBe(`${t}-${i}`);
      const order = await alice.post('/v1/orders', { account_id: ids.account, symbol: t.slice(0, 60), side: 'buy', type: 'market', quantity: '1', client_order_id: `${t}-${i}`, submit: false });
      expect(order.statusCode).toBe(201);
      const listed = await alice.get(`/v1/orders?account_id=${ids.account}&symbol=${encodeURIComponent(t.slice(0, 60))}`);
      expect((listed.json() as { data: { client_order_id: string }[] }).data.map((o) => o.client_order_id)).toContain(`${t}-${i}`);
    }
    // Still there: the text was data, never SQL.
    expect(Number((await h().db.query<{ n: string }>('select count(*)::text as n from fills'))[0]!.n)).toBeGreaterThanOrEqual(0);
    expect(Number((await h().db.query<{ n: string }>(`select count(*)::text as n from orders where account_id = $1`, [ids.account]))[0]!.n)).toBeGreaterThan(texts.length);
  });

  it('a 40-digit decimal is kept exactly (decimals are at most 64 characters)', async () => {
    const big = '1234567890123456789012345678901234567890';
    const order = await alice.post('/v1/orders', { account_id: ids.manual, symbol: 'BIG', side: 'buy', type: 'limit', quantity: big, limit_price: `0.${big.slice(0, -1)}7`, submit: false });
    expect(order.statusCode).toBe(201);
    expect(order.json()).toMatchObject({ quantity: big, limit_price: `0.${big.slice(0, -1)}7` });
    const tooLong = await alice.post('/v1/orders', { account_id: ids.manual, symbol: 'BIG', side: 'buy', type: 'market', quantity: '9'.repeat(65), submit: false });
    expect([tooLong.statusCode, errorOf(tooLong)]).toEqual([422, 'FILLBOOK_ERR_VALIDATION']);
  });

  it('query strings: NUL, years 0 and 10000, forged cursors → 422, never a 500', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const forged = [
      b64([1, 2]),
      b64({ createdAt: '2026-01-01T00:00:00Z', id: ids.order }),
      b64(['5', '------------------------------------']),
      b64(['0000-01-01T00:00:00Z', ids.order]),
      b64(['2026-01-01T00:00:00Z', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz']),
      b64(['2026-01-01T00:00:00Z', ids.order, 'extra']),
      b64(null),
      '!!!not-base64!!!',
      'AAAA',
    ];
    const get = (url: string) => () => alice.get(url);
    await expectRefused([
      ['NUL in ?symbol', get(`/v1/orders?symbol=A%00B`), 422, 'FILLBOOK_ERR_VALIDATION'],
      ['NUL in ?signal_id', get(`/v1/orders?signal_id=%00`), 422, 'FILLBOOK_ERR_VALIDATION'],
      ['?since in year 0', get(`/v1/orders?since=0000-01-01T00:00:00Z`), 422, 'FILLBOOK_ERR_VALIDATION'],
      ['?since in year 10000', get(`/v1/orders?since=10000-01-01T00:00:00Z`), 422, 'FILLBOOK_ERR_VALIDATION'],
      ['?limit of 0', get(`/v1/orders?limit=0`), 422, 'FILLBOOK_ERR_VALIDATION'],
      ['?limit of 1e3', get(`/v1/orders?limit=1e3`), 422, 'FILLBOOK_ERR_VALIDATION'],
      ...forged.flatMap((c): Parameters<typeof expectRefused>[0] => [
        [`forged order cursor ${c}`, get(`/v1/orders?cursor=${c}`), 422, 'FILLBOOK_ERR_VALIDATION'],
        [`forged position cursor ${c}`, get(`/v1/positions?cursor=${c}`), 422, 'FILLBOOK_ERR_VALIDATION'],
      ]),
    ]);
  });

  it('the webhook route: bad bytes, duplicate keys, deep nesting, NUL, and a body never finished are refused before the inbox', async () => {
    const url = `/v1/webhooks/paper/${ids.account}`;
    const signed = (body: string | Buffer) => () => send('POST', url, body, { 'fillbook-signature': signWebhook(ids.webhookSecret, body.toString()) });
    await expectRefused([
      ['unsigned', () => send('POST', url, '{"type":"fill"}'), 401, 'FILLBOOK_ERR_UNAUTHORIZED'],
      ['invalid UTF-8', signed(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])), 400, 'FILLBOOK_ERR_INVALID_ENCODING'],
      ['a duplicate key', signed('{"type":"fill","type":"order"}'), 400, 'FILLBOOK_ERR_DUPLICATE_KEY'],
      ['deep nesting', signed(deep(5000)), 400, 'FILLBOOK_ERR_TOO_DEEP'],
      ['NUL in a field', signed('{"type":"fill","fill":{"exec_id":"A\\u0000B"}}'), 422, 'FILLBOOK_ERR_VALIDATION'],
      ['an account id over 100 characters', () => send('POST', `/v1/webhooks/paper/${'a'.repeat(120)}`, '{}'), 414, 'FILLBOOK_ERR_URI_TOO_LONG'],
    ]);
  });

  it('a cancel on a manual account is a permanent 422, not a retryable 503', async () => {
    const order = (await alice.post('/v1/orders', { account_id: ids.manual, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', submit: false })).json() as { id: string };
    await expectRefused([['cancel on manual', () => alice.post(`/v1/orders/${order.id}/cancel`), 422, 'FILLBOOK_ERR_VENUE_UNSUPPORTED']]);
  });
});
