import type { ReconciliationAction } from '../../src/domain/index.js';
import type { Ledger } from '../../src/ledger/index.js';
import { Reconciler, type ReconcilerOptions, type VenueFactory, builtInVenueFactories } from '../../src/service/index.js';
import type { PaperVenue } from '../../src/venues/index.js';
import { trading } from './trading.js';

/** A ledger, its paper venue (manual fills, no latency) and a reconciler with no quiet period. */
export async function reconciling(ledger: Ledger, options: ReconcilerOptions = {}, factories: Record<string, VenueFactory> = builtInVenueFactories) {
  const stack = trading(ledger, {}, factories);
  const reconciler = new Reconciler(ledger, stack.venues, stack.sync, { quietPeriodMs: 0, ...options });
  const account = await ledger.createAccount({ name: 'recon', venue: 'paper', venueConfig: { fillMode: 'manual', latencyMs: 0 } });
  const paper = (await stack.venues.forAccount(account.id)) as PaperVenue;
  const run = (actions: ReconciliationAction[] = []) => reconciler.run({ accountId: account.id, actions, startedBy: 'test' });
  const summaryOf = async (actions: ReconciliationAction[] = []) => {
    const r = await run(actions);
    return Object.fromEntries(Object.entries(r.summary).filter(([k, v]) => v !== 0 && k !== 'matched' && k !== 'deferred' && k !== 'repaired'));
  };
  /** Everything the ledger holds for the account, to show a dry run changed nothing. */
  const snapshot = async () => JSON.stringify(await Promise.all((await ledger.listOrders(account.id)).map((o) => ledger.getOrderDetail({ orderId: o.id }))));
  const place = (extra: Record<string, unknown> = {}) =>
    stack.router.placeOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100', ...extra });
  /** An order Fillbook sends, recorded write-ahead and never sent (the process died in between). */
  const record = async (extra: Record<string, unknown> = {}) =>
    (await ledger.recordOrder({ accountId: account.id, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100', ...extra })).order;
  return { stack, reconciler, account, paper, run, summaryOf, snapshot, place, record, close: () => stack.close() };
}
