import { createHmac } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { type AlertDraft, alertMessage } from '../../src/domain/index.js';
import { Ledger } from '../../src/ledger/index.js';
import { AlertDelivery, AlertSinks, keepUnparsedItem } from '../../src/service/index.js';
import { type Database, openDatabase, queueAlert, selectAlerts } from '../../src/storage/index.js';
import { Users } from '../../src/users/index.js';
import { describeEachEngine } from '../support/backends.js';
import { Receiver, telegramReceiver } from '../support/alert-receivers.js';

const token = '123456789:AAH-test_token_of_a_bot_0123456789';
const draft = (n: number): AlertDraft => ({ kind: 'stream_down', severity: 'critical', dedupeKey: `test:${n}:${crypto.randomUUID()}`, details: { venue: 'paper', down_for_ms: 61_000, down_at: '2026-12-01T10:00:00.000Z', outage_id: String(n), reason: null } });

/** The webhook signature as a receiver checks it: HMAC-SHA256 of "<t>.<alert id>.<raw body>". */
function verifies(secret: string, header: string, alertId: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${alertId}.${body}`).digest('hex');
  return parts.v1 === expected && Math.abs(Date.now() / 1000 - Number(parts.t)) < 300;
}

describeEachEngine('alerts out', (h, engine) => {
  const receivers: Receiver[] = [];
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.down();
    for (const c of closing.splice(0)) await c();
  });
  const receiver = async (r = new Receiver()) => {
    receivers.push(r);
    await r.up();
    return r;
  };
  const owned = async () => {
    const { user } = await new Users(h().db).create(`alerts-${crypto.randomUUID().slice(0, 8)}`);
    const account = await h().ledger.createAccount({ name: 'bot-7', venue: 'paper', userId: user.id });
    return { user, account };
  };
  const fast = { retryDelayMs: 10, retryDelayMsCap: 40 };

  it('delivers every alert to every sink at least once with its id while one receiver refuses connections and another answers 500 for a while; webhook signatures verify', async () => {
    const { user, account } = await owned();
    const hook = await receiver();
    const slack = await receiver();
    const telegram = await receiver(telegramReceiver());
    await hook.down(); // refuses connections at first
    slack.failing = 500;
    const sinks = new AlertSinks(h().db);
    const webhookSink = await sinks.add(user.id, { name: 'ops hook', kind: 'webhook', url: `${hook.url}/fillbook` });
    await sinks.add(user.id, { name: 'slack', kind: 'slack', webhookUrl: `${slack.url}/services/T0/B0/secret` });
    await sinks.add(user.id, { name: 'telegram', kind: 'telegram', botToken: token, chatId: '-1001234567890' });

    // Real causes beside plain drafts: an overfill quarantined, a venue item no adapter could read.
    const { order } = await h().ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', submit: false } as never);
    await h().ledger.applyEvent({ orderId: order.id }, { type: 'submitted', brokerOrderId: `B-${crypto.randomUUID()}` });
    await expect(h().ledger.recordFill({ order: { orderId: order.id }, execId: 'E-over', quantity: '5', price: '10' })).rejects.toMatchObject({ code: 'FILLBOOK_ERR_OVERFILL' });
    await keepUnparsedItem(h().db, account.id, 'paper', { kind: 'order', venueItemId: 'odd-1', payload: { status: 'teleported' }, reason: 'unknown order status "teleported"' }, new Date().toISOString());
    for (let n = 0; n < 4; n++) await queueAlert(h().db, account.id, draft(n), new Date().toISOString());

    const alerts = await selectAlerts(h().db, [account.id], { limit: 100 });
    expect(alerts.map((a) => a.kind).sort()).toEqual(['fill_quarantined', 'stream_down', 'stream_down', 'stream_down', 'stream_down', 'venue_item_unparsed']);
    expect(alerts.every((a) => a.deliveries.length === 3 && a.deliveries.every((d) => d.status === 'pending'))).toBe(true);

    const worker = new AlertDelivery(h().db, { ...fast, telegramApiBaseUrl: telegram.url });
    for (let pass = 0; pass < 6; pass++) {
      await worker.deliverDue();
      await new Promise((r) => setTimeout(r, 45));
    }
    const midway = await selectAlerts(h().db, [account.id], { limit: 100 });
    const hookDeliveries = midway.flatMap((a) => a.deliveries.filter((d) => d.sinkKind === 'webhook'));
    // Nothing reached the hook; it was tried (once a pass: a sink that fails waits out the pass) and said why.
    expect(hookDeliveries.every((d) => d.status === 'pending')).toBe(true);
    expect(hookDeliveries.some((d) => d.attempts >= 2 && /could not reach the sink \(ECONNREFUSED\)/.test(d.lastError ?? ''))).toBe(true);
    expect(slack.refused).toBeGreaterThan(0);
    // Telegram was up all along: delivered already, each once.
    expect(telegram.received.map((r) => r.path)).toEqual(alerts.map(() => `/bot${token}/sendMessage`));

    await hook.up();
    slack.failing = null;
    for (let pass = 0; pass < 50; pass++) {
      const listed = await selectAlerts(h().db, [account.id], { limit: 100 });
      if (listed.every((a) => a.deliveries.every((d) => d.status === 'delivered'))) break;
      await worker.deliverDue();
      await new Promise((r) => setTimeout(r, 45));
    }
    const done = await selectAlerts(h().db, [account.id], { limit: 100 });
    expect(done.flatMap((a) => a.deliveries.map((d) => d.status))).toEqual(Array(18).fill('delivered'));
    const ids = done.map((a) => a.id).sort();
    expect([...new Set(hook.received.map((r) => r.headers['fillbook-alert-id']))].sort()).toEqual(ids);
    expect([...new Set(hook.received.map((r) => r.json.id))].sort()).toEqual(ids);
    for (const r of hook.received) {
      expect(r.path).toBe('/fillbook');
      expect(verifies(webhookSink.generatedSecret!, String(r.headers['fillbook-signature']), String(r.json.id), r.body)).toBe(true);
      expect(verifies('whsec_not_the_secret_at_all', String(r.headers['fillbook-signature']), String(r.json.id), r.body)).toBe(false);
    }
    const quarantined = hook.received.find((r) => r.json.kind === 'fill_quarantined')!.json;
    expect(quarantined).toMatchObject({ account_id: account.id, account_name: 'bot-7', venue: 'paper', severity: 'warning', test: false, details: { exec_id: 'E-over', quarantine: 'overfill', order_id: order.id, quantity: '5' } });
    expect(String(quarantined.title)).toMatch(/Fill quarantined \(overfill\) on bot-7 \(paper\)/);
    // Slack's incoming-webhook JSON: the text, and blocks naming the alert id.
    expect(slack.received.every((r) => typeof r.json.text === 'string' && Array.isArray(r.json.blocks))).toBe(true);
    expect(new Set(slack.received.map((r) => /alert ([0-9a-f-]{36})/.exec(String(r.json.text))?.[1])).size).toBe(6);
    // Telegram's sendMessage: chat_id and text, the alert id in the text.
    expect(telegram.received.every((r) => r.json.chat_id === '-1001234567890' && String(r.json.text).length <= 4096)).toBe(true);
    expect(telegram.received.some((r) => /Unreadable venue order on bot-7/.test(String(r.json.text)))).toBe(true);
    // The retries are on record.
    for (const kind of ['webhook', 'slack']) expect(Math.max(...done.flatMap((a) => a.deliveries.filter((d) => d.sinkKind === kind).map((d) => d.attempts)))).toBeGreaterThan(1);
    expect(done.flatMap((a) => a.deliveries.filter((d) => d.sinkKind === 'telegram').map((d) => d.attempts))).toEqual(Array(6).fill(1));
  });

  it('never sends an alert for a change that rolled back', async () => {
    const { user, account } = await owned();
    const hook = await receiver();
    await new AlertSinks(h().db).add(user.id, { name: 'hook', kind: 'webhook', url: hook.url, secret: 'a-secret-of-sixteen-plus' });
    const { order } = await h().ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', submit: false } as never);
    // A quarantine written and then rolled back: its alert (queued by the insert's trigger) goes with it.
    await expect(
      h().db.transaction(async (tx) => {
        await tx.query(
          `insert into fill_quarantine (account_id, id, kind, exec_id, order_id, reason, payload, received_at) values ($1, $2, 'overfill', 'E-rolled', $3, 'overfill', '{"quantity":"9","price":"1"}', now())`,
          [account.id, crypto.randomUUID(), order.id],
        );
        expect((await tx.query('select 1 from alert_outbox where account_id = $1', [account.id])).length).toBe(1);
        throw new Error('the change fails after its alert was queued');
      }),
    ).rejects.toThrow(/the change fails/);
    await expect(
      h().db.transaction(async (tx) => {
        await queueAlert(tx, account.id, draft(1), new Date().toISOString());
        throw new Error('rolled back too');
      }),
    ).rejects.toThrow(/rolled back too/);
    await new AlertDelivery(h().db, fast).deliverDue();
    expect(await selectAlerts(h().db, [account.id], { limit: 10 })).toEqual([]);
    expect(hook.received).toEqual([]);
    // The same kind of change, committed, is sent.
    await queueAlert(h().db, account.id, draft(2), new Date().toISOString());
    await new AlertDelivery(h().db, fast).deliverDue();
    expect(hook.received.map((r) => r.json.kind)).toEqual(['stream_down']);
  });

  it('queues one alert per cause: the same key again, a redelivered refused fill, a venue item seen again', async () => {
    const { account } = await owned();
    const once = draft(7);
    expect(await queueAlert(h().db, account.id, once, new Date().toISOString())).toMatch(/^[0-9a-f-]{36}$/);
    expect(await queueAlert(h().db, account.id, once, new Date().toISOString())).toBeNull();
    const { order } = await h().ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', submit: false } as never);
    await h().ledger.applyEvent({ orderId: order.id }, { type: 'submitted', brokerOrderId: `B-${crypto.randomUUID()}` });
    for (let i = 0; i < 3; i++) await h().ledger.recordFill({ order: { orderId: order.id }, execId: 'E-big', quantity: '3', price: '10' }).catch(() => {});
    await h().ledger.recordFill({ order: { orderId: order.id }, execId: 'E-big', quantity: '4', price: '10' }).catch(() => {});
    for (let i = 0; i < 3; i++) await keepUnparsedItem(h().db, account.id, 'paper', { kind: 'fill', venueItemId: 'x-1', payload: { i }, reason: 'odd' }, new Date().toISOString());
    expect((await h().ledger.listQuarantinedFills(account.id)).length).toBe(4);
    const kinds = (await selectAlerts(h().db, [account.id], { limit: 50 })).map((a) => a.kind).sort();
    expect(kinds).toEqual(['fill_quarantined', 'fill_quarantined', 'stream_down', 'venue_item_unparsed']);
  });

  it("goes only to the owner's enabled sinks that take its kind; a removed sink's deliveries go with it; a 4xx gives up at once, a down sink after its attempts", async () => {
    const { user, account } = await owned();
    const other = await owned();
    const hook = await receiver(new Receiver(() => ({ status: 404, body: 'no_service' })));
    const sinks = new AlertSinks(h().db);
    const all = await sinks.add(user.id, { name: 'all', kind: 'webhook', url: hook.url });
    await sinks.add(user.id, { name: 'halts only', kind: 'webhook', url: hook.url, kinds: ['account_halted'] });
    const off = await sinks.add(user.id, { name: 'off', kind: 'webhook', url: hook.url, enabled: false });
    const gone = await sinks.add(user.id, { name: 'gone', kind: 'slack', webhookUrl: 'http://127.0.0.1:9/nowhere' });
    await sinks.add(other.user.id, { name: "someone else's", kind: 'webhook', url: hook.url });
    await queueAlert(h().db, account.id, draft(1), new Date().toISOString());
    const [queued] = await selectAlerts(h().db, [account.id], { limit: 5 });
    expect(queued!.deliveries.map((d) => d.sinkName).sort()).toEqual(['all', 'gone']);
    await sinks.remove(user.id, gone.sink.id);
    await expect(sinks.remove(other.user.id, all.sink.id)).rejects.toMatchObject({ code: 'FILLBOOK_ERR_NOT_FOUND' });
    await new AlertDelivery(h().db, fast).deliverDue();
    const [after] = await selectAlerts(h().db, [account.id], { limit: 5 });
    expect(after!.deliveries).toMatchObject([{ sinkName: 'all', status: 'failed', attempts: 1, lastError: 'HTTP 404: no_service' }]);
    expect(off.sink.enabled).toBe(false);

    // A sink that refuses connections: retried with backoff, given up after attemptsMax.
    const downHook = await receiver();
    const downUrl = downHook.url;
    await downHook.down();
    await sinks.update(user.id, all.sink.id, { enabled: false });
    await sinks.add(user.id, { name: 'down', kind: 'webhook', url: downUrl });
    await queueAlert(h().db, account.id, draft(2), new Date().toISOString());
    const worker = new AlertDelivery(h().db, { ...fast, attemptsMax: 3 });
    for (let i = 0; i < 12; i++) {
      await worker.deliverDue();
      await new Promise((r) => setTimeout(r, 45));
    }
    const [latest] = await selectAlerts(h().db, [account.id], { limit: 1 });
    expect(latest!.deliveries).toMatchObject([{ sinkName: 'down', status: 'failed', attempts: 3 }]);
    expect(latest!.deliveries[0]!.lastError).toMatch(/ECONNREFUSED.*gave up after 3 attempts/);
  });

  it('two workers on one database never send the same delivery twice', async () => {
    const { user, account } = await owned();
    const hook = await receiver();
    await new AlertSinks(h().db).add(user.id, { name: 'hook', kind: 'webhook', url: hook.url });
    const count = 40;
    for (let n = 0; n < count; n++) await queueAlert(h().db, account.id, draft(n), new Date().toISOString());
    // On the server, the second worker is another instance: its own pool and lock session.
    let second: Database = h().db;
    if (engine === 'postgres') {
      second = await openDatabase({ databaseUrl: h().url! });
      closing.push(() => second.close());
    }
    const a = new AlertDelivery(h().db, fast);
    const b = new AlertDelivery(second, fast);
    await Promise.all([a.deliverDue(), b.deliverDue(), a.deliverDue(), b.deliverDue()]);
    for (let i = 0; i < 10 && hook.received.length < count; i++) await Promise.all([a.deliverDue(), b.deliverDue()]);
    const ids = hook.received.map((r) => String(r.json.id));
    expect(ids.length).toBe(count);
    expect(new Set(ids).size).toBe(count);
  });
  it('an exposure refusal commits nothing and alerts right after, at most once a minute per position', async () => {
    const { account } = await owned();
    let clock = Date.parse('2026-12-01T10:00:05.000Z');
    const ledger = await Ledger.open({ database: h().db, now: () => new Date(clock) });
    const { position } = await ledger.createPosition({ accountId: account.id, signalId: 'sig-x', symbol: 'AAPL', side: 'long', targetQuantity: '10' });
    const entry = { accountId: account.id, positionId: position.id, symbol: 'AAPL', side: 'buy' as const, type: 'market' as const, sentBy: 'bot' as const };
    await ledger.recordOrder({ ...entry, quantity: '10' });
    for (const clientOrderId of ['again-1', 'again-2']) {
      await expect(ledger.recordOrder({ ...entry, quantity: '1', clientOrderId })).rejects.toMatchObject({ code: 'FILLBOOK_ERR_EXPOSURE_EXCEEDED' });
    }
    const refused = await selectAlerts(h().db, [account.id], { limit: 10 });
    expect(refused.map((a) => [a.kind, a.severity, a.createdAt])).toEqual([['exposure_refused', 'warning', '2026-12-01T10:00:05.000Z']]);
    expect(refused[0]!.details).toEqual({ position_id: position.id, role: 'entry', target: '10', filled: '0', working: '10', requested: '1', symbol: 'AAPL', side: 'buy', client_order_id: 'again-1' });
    expect((await ledger.listOrders(account.id)).length).toBe(1);
    clock += 61_000;
    await expect(ledger.recordOrder({ ...entry, quantity: '2' })).rejects.toMatchObject({ code: 'FILLBOOK_ERR_EXPOSURE_EXCEEDED' });
    expect((await selectAlerts(h().db, [account.id], { limit: 10 })).map((a) => a.details.requested)).toEqual(['2', '1']);
  });
  it('a retry the guard refuses alerts too, naming the order and the event; the order stays failed', async () => {
    const { account } = await owned();
    const ledger = await Ledger.open({ database: h().db, now: () => new Date('2026-12-01T11:00:00.000Z') });
    const { position } = await ledger.createPosition({ accountId: account.id, signalId: 'sig-r', symbol: 'AAPL', side: 'long', targetQuantity: '10' });
    const entry = { accountId: account.id, positionId: position.id, symbol: 'AAPL', side: 'buy' as const, type: 'market' as const, sentBy: 'fillbook' as const, quantity: '10' };
    const { order: first } = await ledger.recordOrder({ ...entry, clientOrderId: 'first' });
    await ledger.applyEvent({ orderId: first.id }, { type: 'failed', reason: 'connection refused' });
    // The failure freed the position's room, and a second entry took it.
    await ledger.recordOrder({ ...entry, clientOrderId: 'second' });
    expect(await selectAlerts(h().db, [account.id], { limit: 10 })).toEqual([]);
    await expect(ledger.applyEvent({ orderId: first.id }, { type: 'retried' })).rejects.toMatchObject({ code: 'FILLBOOK_ERR_EXPOSURE_EXCEEDED' });
    expect((await ledger.getOrder({ orderId: first.id })).status).toBe('failed');
    const alerts = await selectAlerts(h().db, [account.id], { limit: 10 });
    expect(alerts.map((a) => [a.kind, a.details.event, a.details.order_id, a.details.client_order_id, a.details.working, a.details.requested])).toEqual([
      ['exposure_refused', 'retried', first.id, 'first', '10', '10'],
    ]);
    expect(alertMessage(alerts[0]!, { name: 'bot-7', venue: 'paper' }).lines.join(' ')).toContain(`The retry of failed order ${first.id} (client order id first) was refused: it stays failed and is not sent.`);
  });
});
