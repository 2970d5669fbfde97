import { connect } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { buildServer, type Server } from '../../src/server/index.js';
import { FillbookService, signWebhook } from '../../src/service/index.js';
import { engines, freshDatabase, serverUrl } from '../support/backends.js';

/** Sends raw bytes on a socket and returns everything the server answered before closing it. */
function raw(port: number, request: string | Buffer, endAfterWrite = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(request);
      if (endAfterWrite) socket.end();
    });
    let answer = '';
    socket.on('data', (d) => (answer += String(d)));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

const jsonOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string; details: unknown } };

for (const engine of engines) {
  describe(`the edges of HTTP [${engine}]`, () => {
    let fresh: Awaited<ReturnType<typeof freshDatabase>>;
    let server: Server;
    let port: number;
    let key: string;
    let userId: string;
    beforeAll(async () => {
      fresh = await freshDatabase(engine);
      const ledger = await Ledger.open({ database: fresh.db });
      server = await buildServer({ ledger, service: new FillbookService(ledger, { reconcileAtStart: false }), requestTimeoutMs: 500 });
      await server.app.listen({ port: 0, host: '127.0.0.1' });
      port = (server.app.server.address() as { port: number }).port;
      const created = await server.users.create('edge');
      ({ apiKey: key } = created);
      userId = created.user.id;
    });
    afterAll(async () => {
      await server?.app.close();
      await server?.service.stop();
      await fresh?.drop();
    });

    it('percent-encoded paths are guarded as the route they match: /%761/accounts needs a key', async () => {
      for (const url of ['/%761/accounts', '/v%31/accounts', '/%76%31/accounts', '/v1/%61ccounts']) {
        const res = await server.app.inject({ method: 'GET', url });
        expect([url, res.statusCode, (res.json() as { error: { code: string } }).error.code]).toEqual([url, 401, 'FILLBOOK_ERR_UNAUTHORIZED']);
      }
      const withKey = await server.app.inject({ method: 'GET', url: '/%761/accounts', headers: { authorization: `Bearer ${key}` } });
      expect(withKey.statusCode).toBe(200);
    });

    it('/auth/%6cogout with the session cookie and no CSRF token is 403, as /auth/logout is', async () => {
      await server.users.setPassword(userId, 'edge-password-1');
      const login = await server.app.inject({ method: 'POST', url: '/auth/login', payload: { name: 'edge', password: 'edge-password-1' } });
      expect(login.statusCode).toBe(200);
      const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      for (const url of ['/auth/logout', '/auth/%6cogout', '/%61uth/logout']) {
        const res = await server.app.inject({ method: 'POST', url, headers: { cookie } });
        expect([url, res.statusCode, (res.json() as { error: { code: string } }).error.code]).toEqual([url, 403, 'FILLBOOK_ERR_FORBIDDEN']);
      }
      const session = await server.app.inject({ method: 'GET', url: '/auth/session', headers: { cookie } });
      expect(session.statusCode).toBe(200);
    });

    it('sign-in is limited per user: 5 wrong passwords lock the name (429 + Retry-After), the right one included, across instances', async () => {
      const { user } = await server.users.create('locked');
      await server.users.setPassword(user.id, 'locked-password-1');
      const login = (password: string, ip = '10.0.0.1') => server.app.inject({ method: 'POST', url: '/auth/login', payload: { name: 'locked', password }, remoteAddress: ip });
      for (let i = 0; i < 5; i++) expect((await login('wrong-password')).statusCode).toBe(401);
      const refused = await login('locked-password-1');
      expect([refused.statusCode, (refused.json() as { error: { code: string } }).error.code]).toEqual([429, 'FILLBOOK_ERR_RATE_LIMITED']);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);
      // Another instance on the same database sees the same lock (the count is a table, not memory).
      const second = await buildServer({ ledger: server.service.ledger, service: server.service });
      const elsewhere = await second.app.inject({ method: 'POST', url: '/auth/login', payload: { name: 'locked', password: 'locked-password-1' }, remoteAddress: '10.0.0.2' });
      expect(elsewhere.statusCode).toBe(429);
      await second.app.close();
      // Another user is not locked by it.
      expect((await server.app.inject({ method: 'POST', url: '/auth/login', payload: { name: 'edge', password: 'edge-password-1' }, remoteAddress: '10.0.0.3' })).statusCode).toBe(200);
    });

    it('sign-in is limited per address: 20 failures over many names lock the address', async () => {
      for (let i = 0; i < 20; i++) {
        expect((await server.app.inject({ method: 'POST', url: '/auth/login', payload: { name: `nobody-${i}`, password: 'x' }, remoteAddress: '10.9.9.9' })).statusCode).toBe(401);
      }
      const refused = await server.app.inject({ method: 'POST', url: '/auth/login', payload: { name: 'edge', password: 'edge-password-1' }, remoteAddress: '10.9.9.9' });
      expect(refused.statusCode).toBe(429);
      expect((refused.json() as { error: { details: { scope: string[] } } }).error.details.scope).toEqual(['address']);
    });

    it('security headers: CSP with frame-ancestors none, nosniff; no HSTS over plain http; the cookie is not Secure', async () => {
      const res = await server.app.inject({ method: 'GET', url: '/healthz' });
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toBeUndefined();
      const login = await server.app.inject({ method: 'POST', url: '/auth/login', payload: { name: 'edge', password: 'edge-password-1' }, remoteAddress: '10.0.0.4' });
      expect(login.cookies[0]).not.toHaveProperty('secure', true);
    });

    it('with an https public URL the session cookie is Secure and HSTS is sent', async () => {
      const secure = await buildServer({ ledger: server.service.ledger, service: server.service, publicUrl: 'https://fillbook.example' });
      const login = await secure.app.inject({ method: 'POST', url: '/auth/login', payload: { name: 'edge', password: 'edge-password-1' }, remoteAddress: '10.0.0.5' });
      expect(login.statusCode).toBe(200);
      expect(login.cookies[0]).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });
      expect(login.headers['strict-transport-security']).toMatch(/max-age=/);
      await secure.app.close();
    });

    it('an order page is read through the (account_id, created_at, id) index, without sorting the account', async () => {
      const plan = await fresh.db.transaction(async (tx) => {
        await tx.query('set local enable_seqscan = off');
        const rows = await tx.query<Record<string, string>>(
          `explain select * from orders where account_id = '00000000-0000-4000-8000-000000000000' and (created_at, id) < (now(), '00000000-0000-4000-8000-000000000000') order by created_at desc, id desc limit 100`,
        );
        return rows.map((r) => Object.values(r)[0]).join('\n');
      });
      expect(plan).toMatch(/orders_by_account_created/);
      expect(plan).not.toMatch(/Sort/);
    });

    it('the delivery id is signed: a captured delivery re-sent under a new id, or without it, is 401 and adds no inbox row', async () => {
      const accountRes = await server.app.inject({ method: 'POST', url: '/v1/accounts', headers: { authorization: `Bearer ${key}` }, payload: { name: 'wh', venue: 'paper', venue_config: { fillMode: 'manual' } } });
      const account = accountRes.json() as { id: string; webhook_secret: string };
      const url = `/v1/webhooks/paper/${account.id}`;
      const body = JSON.stringify({ type: 'fill', fill: { exec_id: 'WH-replay', broker_order_id: 'P-replay', client_order_id: 'replay', symbol: 'AAPL', side: 'buy', quantity: '1', price: '5', fee: '0', executed_at: new Date().toISOString() } });
      const signature = signWebhook(account.webhook_secret, body, new Date(), 'D-1');
      const deliver = (headers: Record<string, string>) => server.app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': 'application/json', ...headers } });
      const inboxRows = async () => Number((await fresh.db.query<{ n: string }>('select count(*)::text as n from webhook_inbox where account_id = $1', [account.id]))[0]!.n);
      expect((await deliver({ 'fillbook-signature': signature, 'fillbook-delivery-id': 'D-1' })).statusCode).toBe(202);
      expect(await deliver({ 'fillbook-signature': signature, 'fillbook-delivery-id': 'D-1' })).toMatchObject({ statusCode: 202 });
      expect(await inboxRows()).toBe(1);
      for (const headers of [{ 'fillbook-signature': signature, 'fillbook-delivery-id': 'D-2' }, { 'fillbook-signature': signature }] as Record<string, string>[]) {
        const replay = await deliver(headers);
        expect([replay.statusCode, (replay.json() as { error: { code: string } }).error.code]).toEqual([401, 'FILLBOOK_ERR_UNAUTHORIZED']);
      }
      expect(await inboxRows()).toBe(1);
    });

    it('headers over 16 KiB: 431 in the one error shape', async () => {
      const answer = await raw(port, `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 431 /);
      expect(jsonOf(answer).error).toMatchObject({ code: 'FILLBOOK_ERR_HEADERS_TOO_LARGE', details: {} });
    });

    it('a malformed request line: 400 in the one error shape', async () => {
      const answer = await raw(port, 'GARBAGE\r\n\r\n');
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(jsonOf(answer).error.code).toBe('FILLBOOK_ERR_BAD_REQUEST');
    });

    it('a body that never finishes is answered 408 and closed, also on the unauthenticated webhook route', async () => {
      for (const path of ['/v1/fills', '/v1/webhooks/paper/00000000-0000-4000-8000-000000000000']) {
        const answer = await raw(port, `POST ${path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${key}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"exec_id":`);
        expect(answer).toMatch(/^HTTP\/1\.1 408 /);
        expect(jsonOf(answer).error.code).toBe('FILLBOOK_ERR_REQUEST_TIMEOUT');
      }
    });

    it.runIf(engine === 'postgres')('a lost database connection is a retryable 503 with Retry-After, and the service recovers', async () => {
      const name = new URL(fresh.url!).pathname.slice(1);
      // A key not verified yet, so its request needs the database.
      const { apiKey: unseen } = await server.users.create('edge-unseen');
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      try {
        await admin.query(`alter database ${name} allow_connections false`);
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
        for (const request of [
          { method: 'GET' as const, url: '/v1/orders', headers: { authorization: `Bearer ${unseen}` } },
          { method: 'GET' as const, url: '/healthz' },
        ]) {
          const res = await server.app.inject(request);
          expect([request.url, res.statusCode, res.headers['retry-after'], (res.json() as { error: { code: string } }).error.code]).toEqual([request.url, 503, '1', 'FILLBOOK_ERR_DATABASE_UNAVAILABLE']);
        }
      } finally {
        await admin.query(`alter database ${name} allow_connections true`);
        await admin.end();
      }
      expect((await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    });
  });
}
