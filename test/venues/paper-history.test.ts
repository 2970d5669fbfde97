import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VenueOrderReport } from '../../src/domain/index.js';
import { Ledger } from '../../src/ledger/index.js';
import type { Database } from '../../src/storage/index.js';
import { selectOpenPaperOrders } from '../../src/venues/paper/paper-book.js';
import { orderPageSizeMax } from '../../src/venues/paper/paper-venue.js';
import { PaperVenue, venueOrderLookupBatchMax } from '../../src/venues/index.js';
import { engines, freshDatabase } from '../support/backends.js';

/**
 * The paper venue's order history (`listOrders`), which reconciliation reads for closed orders: every
 * order of the window on the pages, none twice, each report as `getOrder` gives it, and with
 * `closedOnly` exactly the closed ones. More than two pages of orders, many sharing one `updated_at`,
 * so that a page boundary falls inside a run of equal times.
 */
const orderCount = orderPageSizeMax * 2 + 137;
const statuses = ['new', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired'] as const;
const closedStatuses = new Set(['filled', 'canceled', 'rejected', 'expired']);
const baseMs = Date.parse('2026-11-30T12:00:00.000Z');

for (const engine of engines) {
  describe(`paper venue order history [${engine}]`, () => {
    let fresh: Awaited<ReturnType<typeof freshDatabase>>;
    let db: Database;
    let adapter: PaperVenue;
    let since: string;

    beforeAll(async () => {
      fresh = await freshDatabase(engine);
      db = fresh.db;
      const ledger = await Ledger.open({ database: db });
      const account = await ledger.createAccount({ name: 'history', venue: 'paper', venueConfig: { fillMode: 'manual', latencyMs: 0 } });
      adapter = new PaperVenue(db, account.id, account.venueConfig);
      // Order n: status round robin; updated_at in runs of 7 equal times; one before the window; texts
      // that packing must escape (a tab, a newline, a backslash) in the ids and the reason.
      await db.query(
        `insert into paper_orders (account_id, venue_order_id, client_order_id, symbol, asset_class, side, type, time_in_force,
           quantity, limit_price, stop_price, status, filled_quantity, filled_notional, reason, created_at, updated_at)
         select $1::uuid, case when n % 97 = 0 then e'P-\\t' || n else 'P-' || n end, case when n % 89 = 0 then e'c-\\\\' || n else 'c-' || n end,
           'S' || (n % 5), 'equity', case when n % 2 = 0 then 'buy' else 'sell' end, 'limit', 'gtc', 10,
           case when n % 3 = 0 then null else 100 + n % 4 end, null,
           (array['new', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired'])[1 + n % 6],
           case n % 6 when 1 then 4 when 2 then 10 else 0 end, case n % 6 when 1 then 402 when 2 then 1005 else 0 end,
           case when n % 6 = 4 then e'refused:\\n' || n end,
           $2::timestamptz, $2::timestamptz + ((n / 7) || ' ms')::interval
         from generate_series(0, $3::int - 1) as n`,
        [account.id, new Date(baseMs).toISOString(), orderCount],
      );
      // The first run of equal times (orders 0–6) is before the window.
      since = new Date(baseMs + 1).toISOString();
    });

    afterAll(async () => {
      await adapter.close();
      await fresh.drop();
    });

    async function readAll(closedOnly: boolean) {
      const orders: VenueOrderReport[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await adapter.listOrders(since, cursor, { closedOnly });
        expect(page.orders.length).toBeLessThanOrEqual(orderPageSizeMax);
        orders.push(...page.orders);
        cursor = page.cursor;
        pages++;
      } while (cursor !== null);
      return { orders, pages };
    }

    it('lists every order of the window once, oldest first, each as getOrder reports it', async () => {
      const { orders, pages } = await readAll(false);
      expect(pages).toBe(3);
      expect(orders).toHaveLength(orderCount - 7);
      expect(new Set(orders.map((o) => o.venueOrderId)).size).toBe(orders.length);
      const keys = orders.map((o) => [o.updatedAt, o.venueOrderId] as const);
      const sorted = [...keys].sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1));
      expect(keys).toEqual(sorted);
      // Every fifth, and each one whose ids or reason were escaped: the packed page decodes to the `select *` report.
      const checked = orders.filter((o, i) => i % 5 === 0 || o.venueOrderId.includes('\t') || o.clientOrderId?.includes('\\') === true || o.reason !== null);
      expect(checked.some((o) => o.venueOrderId.includes('\t'))).toBe(true);
      expect(checked.some((o) => o.clientOrderId?.includes('\\') === true)).toBe(true);
      expect(checked.some((o) => o.reason?.includes('\n'))).toBe(true);
      expect(checked.some((o) => o.avgFillPrice !== null)).toBe(true);
      for (const o of checked) {
        const single = await adapter.getOrder(o.venueOrderId);
        expect(plain(o)).toEqual(plain(single));
      }
    });

    it('with closedOnly lists exactly the closed orders of the window, paged the same way', async () => {
      const all = (await readAll(false)).orders;
      const { orders } = await readAll(true);
      const expected = all.filter((o) => closedStatuses.has(statusAtVenue(o)));
      expect(expected.length).toBeGreaterThan(orderPageSizeMax);
      expect(orders.map((o) => o.venueOrderId)).toEqual(expected.map((o) => o.venueOrderId));
      expect(orders.map((o) => o.status).filter((s) => s === 'open' || s === 'partially_filled')).toEqual([]);
    });

    it('lists the open orders a page at a time, each page passed on as it is read and not kept, the pages together the list', async () => {
      const pages: (readonly VenueOrderReport[])[] = [];
      const rest = await selectOpenPaperOrders(db, adapter.accountId, (orders) => pages.push(orders), 100);
      const open = (await adapter.listOpenOrders()).map(plain);
      expect(open.length).toBeGreaterThan(300);
      // Every order went to onPage: none is left to resolve with (VenueAdapter.listOpenOrders).
      expect(rest).toEqual([]);
      expect((await selectOpenPaperOrders(db, adapter.accountId, undefined, 100)).map(plain)).toEqual(open);
      expect(pages.map((p) => p.length)).toEqual([...Array.from({ length: Math.floor(open.length / 100) }, () => 100), ...(open.length % 100 === 0 ? [] : [open.length % 100])]);
      expect(pages.flat().map(plain)).toEqual(open);
      // Every open order of the book, none twice.
      const book = await db.query<{ id: string }>(`select venue_order_id as id from paper_orders where account_id = $1 and status in ('new', 'partially_filled')`, [adapter.accountId]);
      expect(open.map((o) => (o as VenueOrderReport).venueOrderId).sort()).toEqual(book.map((r) => r.id).sort());
    });

    it('looks many orders up at once by either id, leaving out those it does not have, each as getOrder reports it', async () => {
      const all = (await readAll(false)).orders;
      const some = all.filter((o, i) => i % 50 === 0 || o.venueOrderId.includes('\t') || o.clientOrderId?.includes('\\') === true);
      const byVenueId = await adapter.getOrders('venue_order_id', [...some.map((o) => o.venueOrderId), 'P-none']);
      expect(byVenueId.map(plain).sort(byId)).toEqual(some.map(plain).sort(byId));
      const byClientId = await adapter.getOrders('client_order_id', ['c-none', ...some.map((o) => o.clientOrderId!)]);
      expect(byClientId.map(plain).sort(byId)).toEqual(some.map(plain).sort(byId));
      expect(await adapter.getOrders('venue_order_id', [])).toEqual([]);
      await expect(adapter.getOrders('venue_order_id', Array.from({ length: venueOrderLookupBatchMax + 1 }, (_, i) => `P-${i}`))).rejects.toThrow(/at most/);
    });
  });
}

const byId = (a: unknown, b: unknown) => ((a as VenueOrderReport).venueOrderId < (b as VenueOrderReport).venueOrderId ? -1 : 1);

/** A report as its JSON (Decimals as their text), key order aside. */
const plain = (report: VenueOrderReport | undefined): unknown => JSON.parse(JSON.stringify(report ?? null));

/** The paper status behind a report's Fillbook status (the paper venue maps `new` to `open`). */
function statusAtVenue(order: VenueOrderReport): (typeof statuses)[number] {
  return order.status === 'open' ? 'new' : (order.status as (typeof statuses)[number]);
}
