import { type Command, InvalidArgumentError } from 'commander';
import { formatDecimal, orderStatuses, type Order } from '../../domain/index.js';
import { accountView, decodeCursor, encodeCursor, orderDetailView, orderView } from '../../server/index.js';
import { Users } from '../../users/index.js';
import { dataDirOption, type StorageFlags, withLedger } from './storage.js';

/**
 * `fillbook accounts list` and `fillbook orders list|show`: they read the database directly, as the
 * user and key commands do (stop the server first when the database is embedded). `--json` prints
 * exactly what the HTTP API answers for the same question.
 */
export const ordersListLimitDefault = 50;
export const ordersListLimitMax = 500;

function parseLimit(value: string): number {
  const n = Number.parseInt(value, 10);
  if (!/^\d+$/.test(value) || n < 1 || n > ordersListLimitMax) throw new InvalidArgumentError(`a whole number from 1 to ${ordersListLimitMax}`);
  return n;
}

function parseStatuses(value: string): string[] {
  const list = value.split(',');
  const unknown = list.filter((s) => !(orderStatuses as readonly string[]).includes(s));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown status ${unknown.join(', ')}; one or more of ${orderStatuses.join(', ')}`);
  return list;
}

export function parseTimestamp(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('an ISO 8601 date or time, such as 2026-12-01 or 2026-12-01T14:30:00Z');
  }
  return new Date(value).toISOString();
}

const json = (value: unknown) => console.log(JSON.stringify(value, null, 2));

export function registerLedgerCommands(program: Command): void {
  const accounts = program.command('accounts').description('broker accounts in the ledger');
  accounts
    .command('list')
    .description("list accounts (every user's, or one user's)")
    .option('--user <name>', "only this user's accounts")
    .option('--json', 'print {"data":[account, …]} as GET /v1/accounts does')
    .option(...dataDirOption)
    .action(async (flags: StorageFlags & { user?: string; json?: boolean }) => {
      const list = await withLedger(flags, async (ledger) => ledger.listAccounts(flags.user === undefined ? undefined : (await new Users(ledger.db).get(flags.user)).id));
      if (flags.json) return json({ data: list.map((a) => accountView(a)) });
      if (list.length === 0) return console.log('no accounts');
      for (const a of list) console.log(`${a.id}  ${a.venue.padEnd(12)} ${a.baseCurrency.padEnd(5)} ${a.createdAt}  ${a.name}`);
    });

  const orders = program.command('orders').description('orders in the ledger');
  orders
    .command('list')
    .description('list orders, newest first, a page at a time')
    .option('--account <id>', "only this account's orders (else every account's)")
    .option('--status <list>', 'comma-separated statuses', parseStatuses)
    .option('--symbol <symbol>', 'only this symbol')
    .option('--since <time>', 'created at or after (ISO 8601)', parseTimestamp)
    .option('--limit <n>', `orders per page (at most ${ordersListLimitMax})`, parseLimit, ordersListLimitDefault)
    .option('--cursor <cursor>', 'the next page: the cursor a previous page printed')
    .option('--json', 'print {"data":[order, …],"next_cursor"} as GET /v1/orders does')
    .option(...dataDirOption)
    .action(async (flags: StorageFlags & { account?: string; status?: string[]; symbol?: string; since?: string; limit: number; cursor?: string; json?: boolean }) => {
      const listed = await withLedger(flags, async (ledger) => {
        const accountIds = flags.account !== undefined ? [(await ledger.getAccount(flags.account)).id] : (await ledger.listAccounts()).map((a) => a.id);
        const orders = await ledger.pageOrders({
          accountIds,
          statuses: flags.status ?? null,
          symbol: flags.symbol ?? null,
          positionId: null,
          signalId: null,
          since: flags.since ?? null,
          after: flags.cursor === undefined ? null : decodeCursor(flags.cursor),
          limit: flags.limit,
        });
        // As GET /v1/orders answers: with each order's fees per currency.
        return { orders, fees: await ledger.orderFees(orders) };
      });
      const page = listed.orders;
      const last = page.at(-1);
      const next = page.length === flags.limit && last !== undefined ? encodeCursor(last.createdAt, last.id) : null;
      if (flags.json) return json({ data: page.map((o) => orderView(o, listed.fees.get(o.id))), next_cursor: next });
      if (page.length === 0) return console.log('no orders');
      for (const o of page) console.log(orderLine(o));
      if (next !== null) console.log(`\nmore: --cursor ${next}`);
    });
  orders
    .command('show <order-id>')
    .description('an order with its fills and its audit trail')
    .option('--json', 'print the order as GET /v1/orders/{id} does')
    .option(...dataDirOption)
    .action(async (orderId: string, flags: StorageFlags & { json?: boolean }) => {
      // As GET /v1/orders/{id} answers: with the order's fees per currency and the fees reported later.
      const { detail, fees, recorded } = await withLedger(flags, async (ledger) => {
        const d = await ledger.getOrderDetail({ orderId });
        return { detail: d, fees: await ledger.orderFees([d.order]), recorded: await ledger.listRecordedFees(d.order.accountId, [d.order.id]) };
      });
      if (flags.json) return json(orderDetailView(detail, fees.get(detail.order.id), recorded));
      const o = detail.order;
      console.log(orderLine(o));
      const fields: [string, string | null][] = [
        ['account', o.accountId], ['client order id', o.clientOrderId], ['broker order id', o.brokerOrderId], ['position', o.positionId],
        ['role / origin', `${o.role} / ${o.origin}`], ['reason', o.statusReason], ['created', o.createdAt], ['submitted', o.submittedAt],
        ['completed', o.completedAt], ['canceled', o.canceledAt], ['fees', `${formatDecimal(o.fees)}${o.feeCurrency === null ? '' : ` ${o.feeCurrency}`}`],
      ];
      for (const [name, value] of fields) if (value !== null) console.log(`  ${name.padEnd(16)} ${value}`);
      console.log(`\nfills (${detail.fills.length})`);
      for (const f of detail.fills) {
        console.log(`  ${f.executedAt}  ${formatDecimal(f.quantity)} @ ${formatDecimal(f.price)}  fee ${formatDecimal(f.fee)}${f.feeCurrency === null ? '' : ` ${f.feeCurrency}`}  ${f.execId}${f.leg === null ? '' : `  leg ${f.leg}`}`);
      }
      console.log(`\nevents (${detail.events.length})`);
      for (const e of detail.events) console.log(`  ${e.at}  #${e.seq} ${e.type.padEnd(16)} by ${e.source}`);
    });
}

function orderLine(o: Order): string {
  const price = o.limitPrice === null ? '' : ` @ ${formatDecimal(o.limitPrice)}`;
  const filled = o.avgFillPrice === null ? '' : `, filled ${formatDecimal(o.qtyFilled)} at ${formatDecimal(o.avgFillPrice)}`;
  return `${o.id}  ${o.createdAt}  ${o.status.padEnd(16)} ${o.side} ${formatDecimal(o.quantity)} ${o.symbol} ${o.type}${price}${filled}`;
}
