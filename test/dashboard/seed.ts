import { Ledger } from '../../src/ledger/index.js';
import { buildServer, type Server } from '../../src/server/index.js';
import { FillbookService } from '../../src/service/index.js';

/**
 * A server over a fresh in-memory ledger for the dashboard: two users with passwords, and alice's
 * accounts seeded through the HTTP API (bearer key) with one order of each kind the orders page words
 * differently, closed and open positions, and a paper account (manual fills) for the live and
 * reconciliation scenarios. Used by the browser tests and by `demo-server.ts`.
 */
export interface SeededUser {
  id: string;
  name: string;
  password: string;
  key: string;
}

export interface Dashboard {
  base: string;
  server: Server;
  ledger: Ledger;
  alice: SeededUser;
  bob: SeededUser;
  /** Alice's accounts: `book` (venue manual, the seeded orders and positions) and `paper` (paper venue, manual fills). */
  accounts: { book: string; paper: string; bob: string };
  orders: { partial: string; filled: string; canceled: string; rejected: string; open: string; bob: string };
  /** A JSON request as `user` (bearer key); throws on a status other than the expected ones. */
  api<T = unknown>(user: SeededUser, method: 'GET' | 'POST', url: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export const rejectReason = 'insufficient buying power';

export async function startDashboard(options: { port?: number; host?: string } = {}): Promise<Dashboard> {
  const ledger = await Ledger.open({});
  // No quiet period: the reconciliation scenario plants its drift and runs at once.
  const service = new FillbookService(ledger, { quietPeriodMs: 0 });
  const server = await buildServer({ ledger, service });
  const base = await server.app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });

  const user = async (name: string, password: string): Promise<SeededUser> => {
    const { user: u, apiKey } = await server.users.create(name);
    await server.users.setPassword(u.id, password);
    return { id: u.id, name, password, key: apiKey };
  };
  const alice = await user('alice', 'alice-password-1');
  const bob = await user('bob', 'bob-password-22');

  async function api<T = unknown>(as: SeededUser, method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
    const res = await server.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${as.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body}`);
    return res.json() as T;
  }

  const account = async (as: SeededUser, name: string, venue: string, venue_config?: Record<string, unknown>) =>
    (await api<{ id: string }>(as, 'POST', '/v1/accounts', { name, venue, ...(venue_config ? { venue_config } : {}) })).id;
  const book = await account(alice, 'Swing book', 'manual');
  const paper = await account(alice, 'Paper desk', 'paper', { fillMode: 'manual', latencyMs: 0 });
  const bobBook = await account(bob, 'Bob private book', 'manual');

  let seq = 0;
  /** An order the bot reports on itself (recorded only), walked through its events and fills. */
  const order = async (as: SeededUser, accountId: string, spec: Record<string, unknown>, steps: Array<Record<string, unknown>> = []) => {
    const created = await api<{ id: string }>(as, 'POST', '/v1/orders', { account_id: accountId, side: 'buy', type: 'limit', submit: false, ...spec });
    for (const step of steps) {
      if ('fill' in step) {
        const [quantity, price, executed_at] = step.fill as [string, string, string?];
        await api(as, 'POST', '/v1/fills', { order_id: created.id, exec_id: `E-${++seq}`, quantity, price, fee: '0.5', ...(executed_at ? { executed_at } : {}) });
      } else {
        await api(as, 'POST', `/v1/orders/${created.id}/events`, step);
      }
    }
    return created.id;
  };
  const ack = (brokerId: string) => [{ type: 'submitted', broker_order_id: brokerId }, { type: 'open' }];
  let broker = 0;
  const acked = () => ack(`B-${++broker}`);

  // Closed positions (two wins, one loss) for the performance page, closed on different days.
  const day = (n: number, hour: number) => new Date(Date.UTC(2026, 0, n, hour, 0, 0)).toISOString();
  const closed: Array<[string, string, string, string, string, number]> = [
    ['sig-win-1', 'AAPL', '10', '100', '110', 5],
    ['sig-loss-1', 'XOM', '10', '50', '47', 6],
    ['sig-win-2', 'KO', '5', '20', '26', 7],
  ];
  for (const [signal, symbol, qty, entry, exit, d] of closed) {
    const pos = await api<{ id: string }>(alice, 'POST', '/v1/positions', { account_id: book, signal_id: signal, symbol, side: 'long', target_quantity: qty });
    await order(alice, book, { symbol, quantity: qty, limit_price: entry, position_id: pos.id, role: 'entry' }, [...acked(), { fill: [qty, entry, day(d, 14)] }]);
    await order(alice, book, { symbol, side: 'sell', quantity: qty, limit_price: exit, position_id: pos.id, role: 'exit' }, [...acked(), { fill: [qty, exit, day(d, 19)] }]);
  }
  // Open positions: one without a working protective order, one with a working stop loss.
  const naked = await api<{ id: string }>(alice, 'POST', '/v1/positions', { account_id: book, signal_id: 'sig-open-naked', symbol: 'AMD', side: 'long', target_quantity: '8' });
  await order(alice, book, { symbol: 'AMD', quantity: '8', limit_price: '150', position_id: naked.id, role: 'entry' }, [...acked(), { fill: ['8', '150'] }]);
  const guarded = await api<{ id: string }>(alice, 'POST', '/v1/positions', { account_id: book, signal_id: 'sig-open-guarded', symbol: 'INTC', side: 'long', target_quantity: '20' });
  await order(alice, book, { symbol: 'INTC', quantity: '20', limit_price: '30', position_id: guarded.id, role: 'entry' }, [...acked(), { fill: ['20', '30'] }]);
  await order(alice, book, { symbol: 'INTC', side: 'sell', type: 'stop', quantity: '20', stop_price: '27', position_id: guarded.id, role: 'stop_loss' }, acked());

  // One order of each wording, newest last so they lead the (newest first) list.
  const canceled = await order(alice, book, { symbol: 'TSLA', side: 'sell', quantity: '10', limit_price: '3' }, [...acked(), { type: 'canceled' }]);
  const rejected = await order(alice, book, { symbol: 'NVDA', type: 'market', quantity: '10' }, [{ type: 'submitted', broker_order_id: `B-${++broker}` }, { type: 'rejected', reason: rejectReason }]);
  const filled = await order(alice, book, { symbol: 'MSFT', quantity: '10', limit_price: '2.50' }, [...acked(), { fill: ['4', '2.45'] }, { fill: ['6', '2.50'] }]);
  const open = await order(alice, book, { symbol: 'META', quantity: '3', limit_price: '500' }, acked());
  const partial = await order(alice, book, { symbol: 'AAPL', quantity: '10', limit_price: '2.50' }, [...acked(), { fill: ['5', '2.50'] }]);

  const bobOrder = await order(bob, bobBook, { symbol: 'GOOG', quantity: '7', limit_price: '99' }, acked());

  return {
    base,
    server,
    ledger,
    alice,
    bob,
    accounts: { book, paper, bob: bobBook },
    orders: { partial, filled, canceled, rejected, open, bob: bobOrder },
    api,
    async close() {
      await server.app.close();
      await service.stop();
      await ledger.close();
    },
  };
}
