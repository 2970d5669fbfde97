import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildServer, type Server } from '../../src/server/index.js';
import { FillbookService } from '../../src/service/index.js';
import { describeEachEngine } from '../support/backends.js';
import { eventually } from '../support/eventually.js';

describeEachEngine('the paper venue delivering through the webhook path', (h) => {
  let server: Server;
  let service: FillbookService;
  let base: string;
  beforeAll(async () => {
    service = new FillbookService(h().ledger);
    server = await buildServer({ ledger: h().ledger, service });
    base = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.app.close();
    await service.stop();
  });

  it('fills an order whose venue events arrive only as signed, duplicated webhooks', async () => {
    const { apiKey } = await server.users.create(`webhook-${crypto.randomUUID().slice(0, 8)}`);
    const call = async (method: string, path: string, body?: unknown) =>
      (await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;
    const venueConfig = { delivery: 'webhook', webhookUrl: `${base}/v1/webhooks/paper/{account_id}`, latencyMs: 1, partialFills: 2, duplicateDelivery: true };
    const account = await call('POST', '/v1/accounts', { name: 'paper', venue: 'paper', venue_config: venueConfig });
    const order = await call('POST', '/v1/orders', { account_id: account.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '4', limit_price: '10' });
    const detail = await eventually(async () => {
      await server.inbox.processDue();
      const d = (await call('GET', `/v1/orders/${order.id as string}`)) as { status: string; fills: { quantity: string; source: string }[] };
      expect(d.status).toBe('filled');
      return d;
    });
    expect(detail.fills.map((f) => [f.quantity, f.source])).toEqual([['2', 'webhook'], ['2', 'webhook']]);
    // Each event was delivered twice but stored once (the same body is the same delivery), and every one is processed.
    await eventually(async () => {
      await server.inbox.processDue();
      const stored = await h().db.query<{ status: string; n: number }>('select status, count(*)::int as n from webhook_inbox where account_id = $1 group by status', [account.id]);
      expect(stored).toEqual([{ status: 'processed', n: 5 }]); // accepted, 2 fills, 2 order updates
    });
  });
});
