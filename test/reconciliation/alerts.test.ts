import { afterEach, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/index.js';
import { builtInVenueFactories, FillbookService, type VenueFactory } from '../../src/service/index.js';
import { selectAlerts } from '../../src/storage/index.js';
import { Users } from '../../src/users/index.js';
import type { PaperVenue, VenueAdapter, VenueListener } from '../../src/venues/index.js';
import { describeEachEngine } from '../support/backends.js';
import { eventually } from '../support/eventually.js';

/**
 * The alerts reconciliation, the submission check and the venue stream raise, each queued with
 * its cause: one grouped message per run (none when a run finds exactly what the last one found),
 * a position when it becomes unprotected, a halt and its release once each, a stuck submission once
 * per order, a stream down past the configured time and back.
 */
describeEachEngine('alerts raised by the service', (h) => {
  let service: FillbookService | undefined;
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });

  const listeners = new Map<string, VenueListener[]>();
  /** The paper venue, with a way to speak as its stream does (disconnected, reconnected). */
  const factories: Record<string, VenueFactory> = {
    paper: async (account, db) => {
      const inner = await builtInVenueFactories.paper!(account, db);
      const mine: VenueListener[] = [];
      listeners.set(account.id, mine);
      return new Proxy(inner, {
        get(target, property) {
          if (property === 'subscribe') return (l: VenueListener) => (mine.push(l), target.subscribe(l));
          const value = Reflect.get(target, property) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      }) as VenueAdapter;
    },
  };

  const setUp = async (options: ConstructorParameters<typeof FillbookService>[1] = {}) => {
    const { user } = await new Users(h().db).create(`recon-${crypto.randomUUID().slice(0, 8)}`);
    service = new FillbookService(h().ledger, { quietPeriodMs: 0, venueFactories: factories, ...options });
    const account = await h().ledger.createAccount({ name: 'desk', venue: 'paper', userId: user.id, venueConfig: { fillMode: 'manual', latencyMs: 0 } });
    const paper = (await service.venues.forAccount(account.id)) as PaperVenue;
    const alerts = async () => (await selectAlerts(h().db, [account.id], { limit: 100 })).reverse();
    const run = (actions: ('adopt_orphaned' | 'clear_invalid')[] = []) => service!.reconciler.run({ accountId: account.id, actions, startedBy: 'test' });
    return { user, account, paper, alerts, run, service };
  };

  it('a run with findings sends one message grouped by category, the halt once, nothing for the same findings again, and the release', async () => {
    const { paper, alerts, run } = await setUp();
    await paper.placeExternal({ symbol: 'MSFT', side: 'sell', type: 'limit', quantity: '3', limitPrice: '400' }, { silent: true });
    await paper.placeExternal({ symbol: 'NVDA', side: 'buy', type: 'limit', quantity: '1', limitPrice: '100' }, { silent: true });
    const first = await run();
    expect(first.summary.orphaned_at_broker).toBe(2);
    // Alerts of one transaction share its time: found by kind.
    const of = async (kind: string) => (await alerts()).filter((a) => a.kind === kind);
    expect((await alerts()).map((a) => a.kind).sort()).toEqual(['account_halted', 'reconciliation_findings']);
    const [findings] = await of('reconciliation_findings');
    expect(findings!.details).toMatchObject({ run_id: first.id, dry_run: true, findings: [{ category: 'orphaned_at_broker', count: 2, repaired: 0 }] });
    expect((findings!.details.findings as { examples: string[] }[])[0]!.examples.sort().join()).toMatch(/^venue order .*\((MSFT|NVDA)\),venue order .*\((MSFT|NVDA)\)$/);
    expect((await of('account_halted'))[0]!.details).toEqual({ run_id: first.id, findings: { orphaned_at_broker: 2 } });

    const second = await run(); // the same findings: nothing new, and the account is still halted (no second halt)
    expect((await alerts()).length).toBe(2);

    const repaired = await run(['adopt_orphaned']);
    expect(repaired.findings.every((f) => f.actionTaken !== null)).toBe(true);
    expect((await alerts()).map((a) => a.kind).sort()).toEqual(['account_halted', 'account_released', 'reconciliation_findings', 'reconciliation_findings']);
    expect((await of('reconciliation_findings'))[1]!.details).toMatchObject({ run_id: repaired.id, findings: [{ category: 'orphaned_at_broker', count: 2, repaired: 2 }] });
    expect((await of('account_released'))[0]!.details).toMatchObject({ run_id: repaired.id, last_halting_run_id: second.id, halted_at: first.finishedAt });
    await run(); // clean: nothing
    expect((await alerts()).length).toBe(4);
  });

  it('an account that does not fail closed is not reported halted', async () => {
    const { account, paper, alerts, run } = await setUp();
    await h().ledger.updateAccount(account.id, { failClosed: false });
    await paper.placeExternal({ symbol: 'MSFT', side: 'sell', type: 'limit', quantity: '3', limitPrice: '400' }, { silent: true });
    await run();
    expect((await alerts()).map((a) => a.kind)).toEqual(['reconciliation_findings']);
  });

  it('a position alerts when it becomes unprotected, not on every run', async () => {
    const { account, alerts, run, service: s } = await setUp();
    const { position } = await h().ledger.createPosition({ accountId: account.id, signalId: 'sig-u', symbol: 'AAPL', side: 'long', targetQuantity: '5' });
    const entry = await s.router.placeOrder({ accountId: account.id, positionId: position.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '5', limitPrice: '100' });
    const paper = (await s.venues.forAccount(account.id)) as PaperVenue;
    await paper.fill(entry.brokerOrderId!, new Decimal(5), new Decimal(100));
    await eventually(async () => expect((await h().ledger.getPosition({ positionId: position.id })).qtyOpen.toFixed()).toBe('5'));
    const first = await run();
    const unprotected = (await alerts()).filter((a) => a.kind === 'position_unprotected');
    expect(unprotected.map((a) => a.details)).toEqual([{ run_id: first.id, position_id: position.id, signal_id: 'sig-u', symbol: 'AAPL', qty_open: '5' }]);
    expect(unprotected[0]!.severity).toBe('critical');
    await run();
    expect((await alerts()).filter((a) => a.kind === 'position_unprotected').length).toBe(1);
    // Protected, then unprotected again: a new alert.
    const stop = await s.router.placeOrder({ accountId: account.id, positionId: position.id, role: 'stop_loss', symbol: 'AAPL', side: 'sell', type: 'stop', quantity: '5', stopPrice: '90' });
    await run();
    await s.router.cancelOrder({ orderId: stop.id });
    await eventually(async () => expect((await h().ledger.getOrder({ orderId: stop.id })).status).toBe('canceled'));
    await run();
    expect((await alerts()).filter((a) => a.kind === 'position_unprotected').length).toBe(2);
  });

  it('a stuck submission alerts once, whether the submission check or reconciliation finds it', async () => {
    const { account, alerts, service: s } = await setUp({ stuckAfterMs: 0 });
    const { order } = await h().ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '1', limitPrice: '100', sentBy: 'bot' });
    await new Promise((r) => setTimeout(r, 5));
    await s.router.resolveStuckSubmissions(account.id);
    await s.router.resolveStuckSubmissions(account.id);
    await s.reconciler.run({ accountId: account.id, startedBy: 'test' });
    const stuck = (await alerts()).filter((a) => a.kind === 'stuck_submission');
    expect(stuck.map((a) => a.details)).toMatchObject([{ order_id: order.id, client_order_id: order.clientOrderId, symbol: 'AAPL', status: 'pending_submit', sent_by: 'bot' }]);
    expect(String(stuck[0]!.details.outcome)).toMatch(/left for reconciliation/);
  });

  it('a venue stream down longer than the configured time alerts once, and again when it is back; a short drop says nothing', async () => {
    const { account, alerts } = await setUp({ streamDownAlertAfterMs: 150 });
    const emit = (event: Parameters<VenueListener>[0]) => {
      for (const l of listeners.get(account.id) ?? []) l(event);
    };
    emit({ kind: 'disconnected', reason: 'paper stream: socket hang up' });
    await new Promise((r) => setTimeout(r, 50));
    emit({ kind: 'reconnected' });
    await new Promise((r) => setTimeout(r, 250));
    expect(await alerts()).toEqual([]);

    emit({ kind: 'disconnected', reason: 'paper stream: socket hang up' });
    emit({ kind: 'disconnected', reason: 'again' }); // the same outage
    await eventually(async () => expect((await alerts()).map((a) => a.kind)).toEqual(['stream_down']));
    const [down] = await alerts();
    expect(down!.details).toMatchObject({ venue: 'paper', reason: 'paper stream: socket hang up' });
    expect(Number(down!.details.down_for_ms)).toBeGreaterThanOrEqual(150);
    emit({ kind: 'reconnected' });
    await eventually(async () => expect((await alerts()).map((a) => a.kind)).toEqual(['stream_down', 'stream_up']));
    const [, up] = await alerts();
    expect(up!.details.outage_id).toBe(down!.details.outage_id);
  });
});
