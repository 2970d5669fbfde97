import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/backends.js';
import { httpHarness } from '../support/http.js';

describeEachEngine('dashboard sessions', (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  beforeAll(async () => {
    harness = await httpHarness(h().ledger, {}, { streamRecheckMs: 100 });
  });
  afterAll(async () => harness.close());

  const inject = (method: 'GET' | 'POST', url: string, opts: { cookie?: string; csrf?: string; body?: unknown } = {}) =>
    harness.server.app.inject({
      method,
      url,
      headers: { ...(opts.cookie ? { cookie: opts.cookie } : {}), ...(opts.csrf ? { 'x-csrf-token': opts.csrf } : {}), ...(opts.body ? { 'content-type': 'application/json' } : {}) },
      ...(opts.body ? { payload: JSON.stringify(opts.body) } : {}),
    });

  it('signs in with a password, sets an HttpOnly SameSite cookie, demands the CSRF token on writes, and signs out', async () => {
    const name = (await harness.server.users.get(harness.alice.userId)).name;
    await harness.server.users.setPassword(harness.alice.userId, 'correct horse battery');
    expect((await inject('POST', '/auth/login', { body: { name, password: 'wrong password!' } })).statusCode).toBe(401);
    const login = await inject('POST', '/auth/login', { body: { name, password: 'correct horse battery' } });
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/fillbook_session=[^;]+;/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    const { csrf_token: csrf } = login.json() as { csrf_token: string };

    expect((await inject('GET', '/v1/accounts', { cookie })).statusCode).toBe(200);
    const noToken = await inject('POST', '/v1/accounts', { cookie, body: { name: 'x', venue: 'manual' } });
    expect([noToken.statusCode, (noToken.json() as { error: { code: string } }).error.code]).toEqual([403, 'FILLBOOK_ERR_FORBIDDEN']);
    expect((await inject('POST', '/v1/accounts', { cookie, csrf: 'forged', body: { name: 'x', venue: 'manual' } })).statusCode).toBe(403);
    expect((await inject('POST', '/v1/accounts', { cookie, csrf, body: { name: 'x', venue: 'manual' } })).statusCode).toBe(201);
    expect((await inject('GET', '/auth/session', { cookie })).json()).toMatchObject({ user: { id: harness.alice.userId }, csrf_token: csrf });

    expect((await inject('POST', '/auth/logout', { cookie })).statusCode).toBe(403);
    expect((await inject('POST', '/auth/logout', { cookie, csrf })).statusCode).toBe(200);
    expect((await inject('GET', '/v1/accounts', { cookie })).statusCode).toBe(401);
  });

  it('streams the caller\'s order changes as server-sent events, and none of another user\'s', async () => {
    const { alice, bob } = harness;
    const base = await harness.server.app.listen({ port: 0, host: '127.0.0.1' });
    const account = (await alice.post('/v1/accounts', { name: 'live', venue: 'manual' })).json() as { id: string };
    const bobAccount = (await bob.post('/v1/accounts', { name: 'bob', venue: 'manual' })).json() as { id: string };
    const controller = new AbortController();
    const response = await fetch(`${base}/v1/stream`, { headers: { authorization: `Bearer ${alice.key}` }, signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    await bob.post('/v1/orders', { account_id: bobAccount.id, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', submit: false });
    const order = (await alice.post('/v1/orders', { account_id: account.id, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', submit: false })).json() as { id: string };
    let text = '';
    const deadline = Date.now() + 5000;
    while (!text.includes(order.id) && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain('event: order');
    expect(text).toContain(order.id);
    expect(text).not.toContain(bobAccount.id);
  });

  it('ends a live stream whose session signed out', async () => {
    const name = (await harness.server.users.get(harness.bob.userId)).name;
    await harness.server.users.setPassword(harness.bob.userId, 'another long password');
    const login = await inject('POST', '/auth/login', { body: { name, password: 'another long password' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const { csrf_token: csrf } = login.json() as { csrf_token: string };
    const base = harness.server.app.server.listening ? `http://127.0.0.1:${(harness.server.app.server.address() as { port: number }).port}` : await harness.server.app.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(`${base}/v1/stream`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect((await inject('POST', '/auth/logout', { cookie, csrf })).statusCode).toBe(200);
    const text = await response.text(); // ends once the stream sees the session gone
    expect(text).toContain('event: signed_out');
  });
});
