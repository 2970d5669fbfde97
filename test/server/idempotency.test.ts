import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/backends.js';
import { type Client, httpHarness } from '../support/http.js';

describeEachEngine('Idempotency-Key', (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  let alice: Client;
  let bob: Client;
  beforeAll(async () => {
    harness = await httpHarness(h().ledger);
    ({ alice, bob } = harness);
  });
  afterAll(async () => harness.close());

  const account = async (client: Client) => ((await client.post('/v1/accounts', { name: 'main', venue: 'manual' })).json() as { id: string }).id;
  const order = (accountId: string, quantity = '10') => ({ account_id: accountId, symbol: 'AAPL', side: 'buy', type: 'limit', quantity, limit_price: '2.50', submit: false });
  const key = () => crypto.randomUUID();
  const orders = async (client: Client, accountId: string) => ((await client.get(`/v1/orders?account_id=${accountId}`)).json() as { data: { id: string }[] }).data;
  const code = (res: { json(): unknown }) => (res.json() as { error: { code: string } }).error.code;

  it('a bot without client_order_id retries POST /v1/orders with the same key: one order, the same answer', async () => {
    const accountId = await account(alice);
    const k = key();
    const first = await alice.post('/v1/orders', order(accountId), { 'idempotency-key': k });
    expect(first.statusCode).toBe(201);
    const again = await alice.post('/v1/orders', order(accountId), { 'idempotency-key': k });
    expect([again.statusCode, again.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(again.json()).toEqual(first.json());
    expect((await orders(alice, accountId)).map((o) => o.id)).toEqual([(first.json() as { id: string }).id]);
    // Without a key the same body is a new order (each gets a fresh client_order_id).
    expect((await alice.post('/v1/orders', order(accountId))).statusCode).toBe(201);
    expect(await orders(alice, accountId)).toHaveLength(2);
  });

  it('the same key with another body is a 409 that names the differing fields, and does nothing', async () => {
    const accountId = await account(alice);
    const k = key();
    expect((await alice.post('/v1/orders', order(accountId), { 'idempotency-key': k })).statusCode).toBe(201);
    const other = await alice.post('/v1/orders', order(accountId, '11'), { 'idempotency-key': k });
    expect([other.statusCode, code(other)]).toEqual([409, 'FILLBOOK_ERR_IDEMPOTENCY_KEY_REUSED']);
    expect((other.json() as { error: { details: { differing: string[] } } }).error.details.differing).toEqual(['quantity']);
    // Field order and whitespace are not a difference.
    const reordered = `{"submit":false, "limit_price":"2.50","quantity":"10","type":"limit","side":"buy","symbol":"AAPL","account_id":"${accountId}"}`;
    expect((await alice.post('/v1/orders', reordered, { 'idempotency-key': k })).statusCode).toBe(201);
    // Another route with the key is another request too.
    const elsewhere = await alice.post('/v1/positions', { account_id: accountId, signal_id: 's', symbol: 'AAPL', side: 'long', target_quantity: '1' }, { 'idempotency-key': k });
    expect([elsewhere.statusCode, code(elsewhere)]).toEqual([409, 'FILLBOOK_ERR_IDEMPOTENCY_KEY_REUSED']);
    expect(await orders(alice, accountId)).toHaveLength(1);
  });

  it('a request with the key still in progress is a 409', async () => {
    const accountId = await account(alice);
    const k = key();
    expect((await alice.post('/v1/orders', order(accountId), { 'idempotency-key': k })).statusCode).toBe(201);
    // Hold the key as a running request does (the row every instance sees), then retry.
    await h().db.query(`update idempotency_keys set state = 'in_progress', response_status = null, response_body = null where idempotency_key = $1`, [k]);
    const during = await alice.post('/v1/orders', order(accountId), { 'idempotency-key': k });
    expect([during.statusCode, code(during)]).toEqual([409, 'FILLBOOK_ERR_IDEMPOTENCY_IN_PROGRESS']);
    expect(await orders(alice, accountId)).toHaveLength(1);
  });

  it('concurrent retries with one key make one order', async () => {
    const accountId = await account(alice);
    const k = key();
    const answers = await Promise.all(Array.from({ length: 8 }, () => alice.post('/v1/orders', order(accountId), { 'idempotency-key': k })));
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(await orders(alice, accountId)).toHaveLength(1);
  });

  it('keys are per user and per account, and kept 24 hours', async () => {
    const [a1, a2, b1] = [await account(alice), await account(alice), await account(bob)];
    const k = key();
    const first = await alice.post('/v1/orders', order(a1), { 'idempotency-key': k });
    expect((await alice.post('/v1/orders', order(a2), { 'idempotency-key': k })).statusCode).toBe(201);
    expect((await bob.post('/v1/orders', order(b1), { 'idempotency-key': k })).statusCode).toBe(201);
    const rows = await h().db.query<{ account_id: string; expires_at: Date | string; created_at: Date | string }>('select account_id, created_at, expires_at from idempotency_keys where idempotency_key = $1 order by created_at', [k]);
    expect(rows.map((r) => r.account_id).sort()).toEqual([a1, a2, b1].sort());
    for (const r of rows) expect(new Date(r.expires_at).getTime() - new Date(r.created_at).getTime()).toBe(24 * 3600 * 1000);
    // Once expired, the key is purged on its next use and the request runs again.
    await h().db.query(`update idempotency_keys set expires_at = now() - interval '1 second', created_at = now() - interval '25 hours' where idempotency_key = $1 and account_id = $2`, [k, a1]);
    const later = await alice.post('/v1/orders', order(a1), { 'idempotency-key': k });
    expect([later.statusCode, later.headers['idempotent-replayed']]).toEqual([201, undefined]);
    expect((later.json() as { id: string }).id).not.toBe((first.json() as { id: string }).id);
    expect(await orders(alice, a1)).toHaveLength(2);
  });

  it('an error answer is kept too; a refused (invalid) request keeps nothing; a bad key is a 422', async () => {
    const accountId = await account(alice);
    const k = key();
    const missing = crypto.randomUUID();
    const notFound = await alice.post('/v1/orders', order(missing), { 'idempotency-key': k });
    expect(notFound.statusCode).toBe(404);
    const replay = await alice.post('/v1/orders', order(missing), { 'idempotency-key': k });
    expect([replay.statusCode, replay.headers['idempotent-replayed'], replay.json()]).toEqual([404, 'true', notFound.json()]);
    const k2 = key();
    expect((await alice.post('/v1/orders', { ...order(accountId), quantity: 'ten' }, { 'idempotency-key': k2 })).statusCode).toBe(422);
    expect((await alice.post('/v1/orders', order(accountId), { 'idempotency-key': k2 })).statusCode).toBe(201);
    const bad = await alice.post('/v1/orders', order(accountId), { 'idempotency-key': 'x'.repeat(256) });
    expect([bad.statusCode, code(bad)]).toEqual([422, 'FILLBOOK_ERR_VALIDATION']);
  });

  it('every POST that creates something takes the key, and the document says so', async () => {
    const accountId = await account(alice);
    const k = key();
    const body = { account_id: accountId, signal_id: 'sig-idem', symbol: 'AAPL', side: 'long', target_quantity: '1' };
    const first = await alice.post('/v1/positions', body, { 'idempotency-key': k });
    const again = await alice.post('/v1/positions', body, { 'idempotency-key': k });
    expect([first.statusCode, again.statusCode, again.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
    const doc = (await harness.server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };
    for (const path of ['/v1/accounts', '/v1/positions', '/v1/orders', '/v1/fills', '/v1/orders/{id}/events', '/v1/reconciliations', '/v1/paper/{account_id}/orders']) {
      expect(doc.paths[path]?.post?.parameters, path).toContainEqual(expect.objectContaining({ name: 'idempotency-key', in: 'header' }));
    }
    expect(doc.paths['/v1/webhooks/{venue}/{account_id}']?.post?.parameters?.map((p) => p.name)).not.toContain('idempotency-key');
  });
});
