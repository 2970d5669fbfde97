import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PaperVenue } from '../../src/venues/index.js';
import { describeEachEngine } from '../support/backends.js';
import { httpHarness } from '../support/http.js';

/**
 * The two ways a bot adopts Fillbook over HTTP: Fillbook sends (`submit: true`), or the bot keeps
 * its own broker code and reports (`submit: false`), on an observe-only account if it likes; and
 * fail closed, which holds new entries back while the ledger may be wrong.
 */
describeEachEngine('adoption paths over HTTP', (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  beforeAll(async () => {
    harness = await httpHarness(h().ledger, { quietPeriodMs: 0, reconcileAtStart: false });
  });
  afterAll(async () => harness.close());

  const account = async (extra: Record<string, unknown> = {}) => {
    const res = await harness.alice.post('/v1/accounts', { name: 'bot', venue: 'paper', venue_config: { fillMode: 'manual', latencyMs: 0 }, ...extra });
    expect(res.statusCode).toBe(201);
    return res.json<{ id: string; observe_only: boolean; fail_closed: boolean; halted: unknown }>();
  };
  const order = (accountId: string, extra: Record<string, unknown> = {}) =>
    harness.alice.post('/v1/orders', { account_id: accountId, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limit_price: '100', ...extra });
  const orderCount = async (accountId: string) => (await harness.alice.get(`/v1/orders?account_id=${accountId}`)).json<{ data: unknown[] }>().data.length;

  it('records and shows who sends each order', async () => {
    const acc = await account();
    const sent = await order(acc.id);
    const bots = await order(acc.id, { submit: false, client_order_id: 'bot-1' });
    expect([sent.statusCode, bots.statusCode]).toEqual([201, 201]);
    expect([sent.json().sent_by, sent.json().status]).toEqual(['fillbook', 'open']);
    expect([bots.json().sent_by, bots.json().status]).toEqual(['bot', 'pending_submit']);
    // A replay with the other sender is another request: a conflict, not the original.
    const other = await order(acc.id, { client_order_id: 'bot-1' });
    expect([other.statusCode, other.json().error.code]).toEqual([409, 'FILLBOOK_ERR_IDEMPOTENCY_CONFLICT']);
    const listed = (await harness.alice.get(`/v1/orders?account_id=${acc.id}`)).json<{ data: { sent_by: string }[] }>().data.map((o) => o.sent_by).sort();
    expect(listed).toEqual(['bot', 'fillbook']);
  });

  it('an observe-only account never places or cancels: coded 422s, nothing recorded, while the bot reports its own orders', async () => {
    const acc = await account({ observe_only: true });
    expect(acc.observe_only).toBe(true);
    const refused = await order(acc.id);
    expect([refused.statusCode, refused.json().error.code]).toEqual([422, 'FILLBOOK_ERR_ACCOUNT_OBSERVE_ONLY']);
    expect(refused.json().error.message).toMatch(/observe-only/);
    expect(await orderCount(acc.id)).toBe(0);
    const bots = await order(acc.id, { submit: false });
    expect(bots.statusCode).toBe(201);
    const cancel = await harness.alice.post(`/v1/orders/${bots.json().id}/cancel`);
    expect([cancel.statusCode, cancel.json().error.code]).toEqual([422, 'FILLBOOK_ERR_ACCOUNT_OBSERVE_ONLY']);
    expect((await harness.alice.get(`/v1/orders/${bots.json().id}`)).json().status).toBe('pending_submit');
    // An order placed at the venue by the bot: reconciliation may adopt it, never cancel it.
    const venue = (await harness.server.service.venues.venueOf(acc.id)) as PaperVenue;
    await venue.placeExternal({ symbol: 'MSFT', side: 'buy', type: 'limit', quantity: '1', limitPrice: '300' }, { silent: true });
    const cancelRun = await harness.alice.post('/v1/reconciliations', { account_id: acc.id, actions: ['cancel_orphaned'] });
    expect([cancelRun.statusCode, cancelRun.json().error.code]).toEqual([422, 'FILLBOOK_ERR_ACCOUNT_OBSERVE_ONLY']);
    expect(await venue.listOpenOrders()).toHaveLength(1);
    const adopt = await harness.alice.post('/v1/reconciliations', { account_id: acc.id, actions: ['adopt_orphaned'] });
    expect(adopt.statusCode).toBe(201);
    expect(await venue.listOpenOrders()).toHaveLength(1);
    // Turned off, Fillbook may send again.
    const patched = await harness.alice.patch(`/v1/accounts/${acc.id}`, { observe_only: false });
    expect(patched.json().observe_only).toBe(false);
    expect((await order(acc.id)).statusCode).toBe(201);
  });

  it('fails closed: halting findings refuse new entries (naming them), exits pass, a clean run releases', async () => {
    const acc = await account();
    expect([acc.fail_closed, acc.halted]).toEqual([true, null]);
    const venue = (await harness.server.service.venues.venueOf(acc.id)) as PaperVenue;
    await venue.placeExternal({ symbol: 'TSLA', side: 'buy', type: 'limit', quantity: '2', limitPrice: '200' }, { silent: true });
    const dry = await harness.alice.post('/v1/reconciliations', { account_id: acc.id });
    expect(dry.json().summary.orphaned_at_broker).toBe(1);
    const halted = (await harness.alice.get(`/v1/accounts/${acc.id}`)).json();
    expect(halted.halted.findings).toEqual({ orphaned_at_broker: 1 });
    expect(halted.halted.run_id).toBe(dry.json().id);

    const position = (await harness.alice.post('/v1/positions', { account_id: acc.id, signal_id: 'fc-1', symbol: 'AAPL', side: 'long', target_quantity: '10' })).json<{ id: string }>();
    const entry = await order(acc.id, { position_id: position.id, role: 'entry' });
    expect([entry.statusCode, entry.json().error.code]).toEqual([409, 'FILLBOOK_ERR_ACCOUNT_UNRECONCILED']);
    expect(entry.json().error.details.findings).toEqual({ orphaned_at_broker: 1 });
    expect(entry.json().error.message).toMatch(/1 orphaned_at_broker/);
    const standalone = await order(acc.id);
    expect(standalone.statusCode).toBe(409);
    // Exits and protection reduce risk: they pass.
    const exit = await order(acc.id, { side: 'sell', role: 'exit', submit: false });
    expect(exit.statusCode).toBe(201);
    const metrics = (await harness.server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain(`fillbook_account_halted{account_id="${acc.id}"} 1`);

    // The switch turns it off for the account; on again, the halt is back.
    expect((await harness.alice.patch(`/v1/accounts/${acc.id}`, { fail_closed: false })).json().halted).toBeNull();
    const allowed = await order(acc.id, { position_id: position.id, role: 'entry', submit: false, client_order_id: 'fc-entry' });
    expect(allowed.statusCode).toBe(201);
    await harness.alice.patch(`/v1/accounts/${acc.id}`, { fail_closed: true });
    // A replay of an entry recorded before is still answered with the original.
    const replay = await order(acc.id, { position_id: position.id, role: 'entry', submit: false, client_order_id: 'fc-entry' });
    expect([replay.statusCode, replay.json().id]).toEqual([200, allowed.json().id]);

    // Repaired, and then clean: released.
    await harness.alice.post('/v1/reconciliations', { account_id: acc.id, actions: ['adopt_orphaned'] });
    await harness.alice.post(`/v1/orders/${allowed.json().id}/events`, { type: 'rejected', reason: 'the bot never sent it' });
    await harness.alice.post(`/v1/orders/${exit.json().id}/events`, { type: 'rejected', reason: 'the bot never sent it' });
    const clean = await harness.alice.post('/v1/reconciliations', { account_id: acc.id });
    expect(clean.json().findings.filter((f: { category: string }) => f.category !== 'unprotected_position')).toEqual([]);
    expect((await harness.alice.get(`/v1/accounts/${acc.id}`)).json().halted).toBeNull();
    expect((await order(acc.id, { position_id: position.id, role: 'entry', submit: false })).statusCode).toBe(201);
    expect((await harness.server.app.inject({ method: 'GET', url: '/metrics' })).body).not.toContain(`fillbook_account_halted{account_id="${acc.id}"}`);
  });
});
