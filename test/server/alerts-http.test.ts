import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/backends.js';
import { Receiver, telegramReceiver } from '../support/alert-receivers.js';
import { type Client, httpHarness } from '../support/http.js';

const token = '987654321:AAF_a_telegram_bot_token_for_tests_xyz';

describeEachEngine('HTTP API: alerts and their sinks', (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  let alice: Client;
  let bob: Client;
  const hook = new Receiver();
  const slack = new Receiver();
  const telegram = telegramReceiver();
  beforeAll(async () => {
    for (const r of [hook, slack, telegram]) await r.up();
    harness = await httpHarness(h().ledger, { alerts: { telegramApiBaseUrl: telegram.url, retryDelayMs: 10, retryDelayMsCap: 20 } });
    ({ alice, bob } = harness);
  });
  afterAll(async () => {
    await harness.close();
    for (const r of [hook, slack, telegram]) await r.down();
  });

  const error = (res: { json(): unknown }) => (res.json() as { error: { code: string; details: Record<string, unknown> } }).error;
  const del = (client: Client, url: string) => harness.server.app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${client.key}` } });

  it('sinks of every kind: added, listed with hints (a secret never comes back whole), tested, changed and removed, each only by its owner', async () => {
    const created = await alice.post('/v1/alert-sinks', { kind: 'webhook', name: 'ops', url: `${hook.url}/in` });
    expect(created.statusCode).toBe(201);
    const webhook = created.json() as { id: string; secret: string; secret_hint: string; url: string };
    expect(webhook.secret).toMatch(/^whsec_/);
    expect(webhook.secret_hint).toBe(`whsec_…${webhook.secret.slice(-4)}`);
    const slackUrl = `${slack.url}/services/T000/B000/XXXXsecretpart`;
    const slackSink = (await alice.post('/v1/alert-sinks', { kind: 'slack', name: 'chan', webhook_url: slackUrl, kinds: ['account_halted', 'stream_down'] })).json() as { id: string; secret_hint: string; kinds: string[] };
    expect([slackSink.secret_hint, slackSink.kinds]).toEqual([`${slack.url}/…part`, ['account_halted', 'stream_down']]);
    const tg = (await alice.post('/v1/alert-sinks', { kind: 'telegram', name: 'phone', bot_token: token, chat_id: '-1009876543210' })).json() as { id: string; secret_hint: string; chat_id: string };
    expect([tg.secret_hint, tg.chat_id]).toEqual(['987654321:…_xyz', '-1009876543210']);

    const listed = await alice.get('/v1/alert-sinks');
    expect((listed.json() as { data: unknown[] }).data).toHaveLength(3);
    for (const secret of [webhook.secret, 'XXXXsecretpart', token]) expect(listed.body).not.toContain(secret);
    expect(listed.body).not.toContain('"secret"');
    expect((await bob.get('/v1/alert-sinks')).json()).toEqual({ data: [] });

    // A test message to each, now: delivered, with the webhook's signature and id.
    for (const sink of [webhook, slackSink, tg]) {
      const tested = await alice.post(`/v1/alert-sinks/${sink.id}/test`);
      expect([tested.statusCode, (tested.json() as { delivered: boolean }).delivered]).toEqual([200, true]);
    }
    expect(hook.received.at(-1)!.json).toMatchObject({ test: true, title: 'Fillbook test message for sink "ops"' });
    expect(hook.received.at(-1)!.headers['fillbook-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(slack.received.at(-1)!.path).toBe('/services/T000/B000/XXXXsecretpart');
    expect(telegram.received.at(-1)!.json).toMatchObject({ chat_id: '-1009876543210' });
    expect(String(telegram.received.at(-1)!.json.text)).toMatch(/Fillbook test message for sink "phone"/);
    // Not yours: 404, as a missing one.
    expect((await bob.post(`/v1/alert-sinks/${webhook.id}/test`)).statusCode).toBe(404);
    expect((await del(bob, `/v1/alert-sinks/${webhook.id}`)).statusCode).toBe(404);
    expect((await bob.patch(`/v1/alert-sinks/${webhook.id}`, { enabled: false })).statusCode).toBe(404);

    const patched = await alice.patch(`/v1/alert-sinks/${slackSink.id}`, { enabled: false, kinds: null });
    expect(patched.json()).toMatchObject({ enabled: false, kinds: null });
    const removed = await del(alice, `/v1/alert-sinks/${tg.id}`);
    expect([removed.statusCode, (removed.json() as { id: string }).id]).toEqual([200, tg.id]);
    expect((await alice.get('/v1/alert-sinks')).json()).toMatchObject({ data: [{ id: webhook.id }, { id: slackSink.id }] });

    // A sink that cannot be reached says so.
    const down = new Receiver();
    await down.up();
    const unreachable = (await alice.post('/v1/alert-sinks', { kind: 'webhook', name: 'gone', url: down.url, secret: 'sixteen-chars-at-least' })).json() as { id: string; secret?: string };
    expect(unreachable.secret).toBeUndefined();
    await down.down();
    expect((await alice.post(`/v1/alert-sinks/${unreachable.id}/test`)).json()).toMatchObject({ delivered: false, error: expect.stringMatching(/ECONNREFUSED/) });
    await del(alice, `/v1/alert-sinks/${unreachable.id}`);
  });

  it('refuses a bad sink with a coded error and keeps nothing', async () => {
    const cases: [unknown, string][] = [
      [{ kind: 'webhook', name: 'x', url: 'ftp://example.com/in' }, 'FILLBOOK_ERR_INVALID_INPUT'],
      [{ kind: 'webhook', name: 'x', url: 'http://user:pw@example.com/' }, 'FILLBOOK_ERR_INVALID_INPUT'],
      [{ kind: 'webhook', name: 'x', url: 'https://example.com/', secret: 'short' }, 'FILLBOOK_ERR_VALIDATION'],
      [{ kind: 'telegram', name: 'x', bot_token: 'not-a-token', chat_id: '1' }, 'FILLBOOK_ERR_INVALID_INPUT'],
      [{ kind: 'telegram', name: 'x', bot_token: token, chat_id: 'someone' }, 'FILLBOOK_ERR_INVALID_INPUT'],
      [{ kind: 'slack', name: 'x', webhook_url: 'https://hooks.slack.com/services/T/B/X', extra: 1 }, 'FILLBOOK_ERR_VALIDATION'],
      [{ kind: 'pager', name: 'x' }, 'FILLBOOK_ERR_VALIDATION'],
      [{ kind: 'slack', name: 'x', webhook_url: 'https://hooks.slack.com/services/T/B/X', kinds: ['no_such_kind'] }, 'FILLBOOK_ERR_VALIDATION'],
    ];
    for (const [body, code] of cases) {
      const res = await bob.post('/v1/alert-sinks', body);
      expect([res.statusCode, error(res).code], JSON.stringify(body)).toEqual([422, code]);
    }
    expect((await bob.get('/v1/alert-sinks')).json()).toEqual({ data: [] });
  });

  it("an account's alerts with each delivery's state: pending, delivered by the worker, failed and retried; /metrics counts them", async () => {
    const carol = bob; // a user of her own: bob had no sinks so far
    await carol.post('/v1/alert-sinks', { kind: 'webhook', name: 'carol-hook', url: `${hook.url}/carol` });
    const { id: accountId } = (await carol.post('/v1/accounts', { name: 'carol-bot', venue: 'manual' })).json() as { id: string };
    const order = (await carol.post('/v1/orders', { account_id: accountId, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', submit: false })).json() as { id: string };
    await carol.post(`/v1/orders/${order.id}/events`, { type: 'submitted', broker_order_id: 'B-carol' });
    expect((await carol.post('/v1/fills', { order_id: order.id, exec_id: 'E-too-much', quantity: '2', price: '10' })).statusCode).toBe(409);

    const page = (await carol.get(`/v1/alerts?account_id=${accountId}`)).json() as { data: { id: string; kind: string; title: string; deliveries: { status: string; attempts: number }[] }[]; next_cursor: string | null };
    expect(page.data.map((a) => [a.kind, a.deliveries.map((d) => d.status)])).toEqual([['fill_quarantined', ['pending']]]);
    expect(page.data[0]!.title).toBe('Fill quarantined (overfill) on carol-bot (manual)');
    const alertId = page.data[0]!.id;
    expect((await alice.get(`/v1/alerts/${alertId}`)).statusCode).toBe(404);
    expect((await alice.get(`/v1/alerts?account_id=${accountId}`)).statusCode).toBe(404);

    await harness.server.service.alerts.deliverDue();
    const delivered = (await carol.get(`/v1/alerts/${alertId}`)).json() as { deliveries: { status: string; attempts: number; delivered_at: string | null }[] };
    expect(delivered.deliveries).toMatchObject([{ status: 'delivered', attempts: 1, delivered_at: expect.any(String) }]);
    expect(hook.received.filter((r) => r.path === '/carol').map((r) => r.json.id)).toEqual([alertId]);

    // A sink that answers 410 (gone) gives up at once; retry queues it again.
    const gone = new Receiver(() => ({ status: 410, body: 'channel_is_archived' }));
    await gone.up();
    try {
      const sink = (await carol.post('/v1/alert-sinks', { kind: 'slack', name: 'archived', webhook_url: `${gone.url}/services/x` })).json() as { id: string };
      await carol.patch(`/v1/alert-sinks/${(((await carol.get('/v1/alert-sinks')).json()) as { data: { id: string; name: string }[] }).data.find((s) => s.name === 'carol-hook')!.id}`, { enabled: false });
      await carol.post(`/v1/orders/${order.id}/events`, { type: 'status_checked' });
      expect((await carol.post('/v1/fills', { order_id: order.id, exec_id: 'E-too-much-2', quantity: '3', price: '10' })).statusCode).toBe(409);
      await harness.server.service.alerts.deliverDue();
      const [latest] = ((await carol.get(`/v1/alerts?account_id=${accountId}&kind=fill_quarantined&limit=1`)).json() as { data: { id: string; deliveries: { sink_id: string; status: string; last_error: string }[] }[] }).data;
      expect(latest!.deliveries).toMatchObject([{ sink_id: sink.id, status: 'failed', last_error: 'HTTP 410: channel_is_archived' }]);
      const retried = (await carol.post(`/v1/alerts/${latest!.id}/retry`)).json() as { deliveries: { status: string; attempts: number }[] };
      expect(retried.deliveries).toMatchObject([{ status: 'pending', attempts: 0 }]);
    } finally {
      await gone.down();
    }
    const metrics = (await harness.server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/fillbook_alert_deliveries\{status="delivered"\} [1-9]/);
    expect(metrics).toMatch(/fillbook_alert_deliveries\{status="pending"\} [1-9]/);
    expect(metrics).toMatch(/fillbook_alert_delivery_attempts_total\{sink_kind="webhook",outcome="delivered"\} [1-9]/);
    expect(metrics).toMatch(/fillbook_alert_delivery_attempts_total\{sink_kind="slack",outcome="failed"\} 1/);
    expect(metrics).toMatch(/fillbook_alerts\{kind="fill_quarantined"\} [1-9]/);
  });
});
