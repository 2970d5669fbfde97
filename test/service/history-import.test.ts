import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/index.js';
import { Ledger } from '../../src/ledger/index.js';
import { HistoryImport } from '../../src/service/index.js';
import { selectOpeningBalances, selectWatermark } from '../../src/storage/index.js';
import { engines, freshDatabase } from '../support/backends.js';
import { reconciling } from '../support/reconciling.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const d = (v: string) => new Decimal(v);

for (const engine of engines) {
  describe(`history import [${engine}]`, () => {
    let drop: () => Promise<void>;
    let ledger: Ledger;
    let r: Awaited<ReturnType<typeof reconciling>>;
    let imports: HistoryImport;

    beforeEach(async () => {
      const fresh = await freshDatabase(engine);
      drop = fresh.drop;
      ledger = await Ledger.open({ database: fresh.db });
      r = await reconciling(ledger);
      imports = new HistoryImport(ledger, r.stack.venues, r.stack.sync);
    });
    afterEach(async () => {
      await r.close();
      await ledger.close();
      await drop();
    });

    /** Venue history the ledger never heard of: a holding from before `since`, then orders open and closed. */
    async function venueHistory(): Promise<string> {
      const silent = { silent: true };
      const old = await r.paper.placeExternal({ symbol: 'AAPL', side: 'buy', type: 'market', quantity: '10' }, silent);
      await r.paper.fill(old.venueOrderId, d('10'), d('100'), silent);
      await sleep(20);
      const since = new Date().toISOString();
      await sleep(20);
      const open = await r.paper.placeExternal({ symbol: 'MSFT', side: 'buy', type: 'limit', quantity: '5', limitPrice: '300' }, silent);
      await r.paper.fill(open.venueOrderId, d('2'), d('299.5'), silent);
      const sold = await r.paper.placeExternal({ symbol: 'AAPL', side: 'sell', type: 'market', quantity: '4' }, silent);
      await r.paper.fill(sold.venueOrderId, d('4'), d('110'), silent);
      const canceled = await r.paper.placeExternal({ symbol: 'TSLA', side: 'buy', type: 'limit', quantity: '3', limitPrice: '200' }, silent);
      await r.paper.cancelOrder(canceled.venueOrderId, silent);
      const partial = await r.paper.placeExternal({ symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '6', limitPrice: '105' }, silent);
      await r.paper.fill(partial.venueOrderId, d('1'), d('105'), silent);
      await r.paper.cancelOrder(partial.venueOrderId, silent);
      return since;
    }

    async function importNow(since: string) {
      const { done } = await imports.start({ accountId: r.account.id, since, startedBy: 'test' });
      return done;
    }

    const holdings = async () => (await ledger.getHoldings(r.account.id)).map((h) => [h.symbol, h.netQuantity.toFixed()]);

    it('imports into an empty ledger: orders open and closed, fills, and an opening balance', async () => {
      const since = await venueHistory();
      const job = await importNow(since);
      expect(job).toMatchObject({ status: 'completed', phase: 'done', since });
      expect(job.counts).toMatchObject({ ordersSeen: 4, adopted: 4, fillsSeen: 3, imported: 3, quarantined: 0, openingBalances: 1 });

      const orders = await ledger.listOrders(r.account.id);
      expect(orders.map((o) => [o.symbol, o.status, o.qtyFilled.toFixed(), o.origin, o.sentBy]).sort()).toEqual([
        ['AAPL', 'canceled', '1', 'import', 'bot'],
        ['AAPL', 'filled', '4', 'import', 'bot'],
        ['MSFT', 'partially_filled', '2', 'import', 'bot'],
        ['TSLA', 'canceled', '0', 'import', 'bot'],
      ]);
      for (const o of orders) expect(o.detectedAt).not.toBeNull();
      expect(await selectOpeningBalances(ledger.db, r.account.id)).toMatchObject([{ symbol: 'AAPL', assetClass: 'equity', asOf: since, importId: job.id }]);
      expect((await selectOpeningBalances(ledger.db, r.account.id))[0]!.quantity.toFixed()).toBe('10');
      expect(await holdings()).toEqual([['AAPL', '7'], ['MSFT', '2']]);
      // The opening balance's cost is unknown, so the average cost of AAPL is too.
      expect((await ledger.getHoldings(r.account.id)).find((h) => h.symbol === 'AAPL')!.avgCost).toBeNull();
      // The import read the venue up to its start: the watermark is set from there.
      expect(await selectWatermark(ledger.db, r.account.id)).toBe(since);

      expect(await r.summaryOf()).toEqual({});
      expect((await imports.list(r.account.id)).map((j) => j.id)).toEqual([job.id]);
    });

    it('imports twice without duplicating anything', async () => {
      const since = await venueHistory();
      await importNow(since);
      const before = await r.snapshot();
      const balances = JSON.stringify(await selectOpeningBalances(ledger.db, r.account.id));
      const second = await importNow(since);
      expect(second.counts).toMatchObject({ ordersSeen: 4, adopted: 0, fillsSeen: 3, imported: 0 });
      expect(await r.snapshot()).toBe(before);
      expect(JSON.stringify(await selectOpeningBalances(ledger.db, r.account.id))).toBe(balances.replaceAll((await imports.list(r.account.id))[1]!.id, second.id));
      expect(await holdings()).toEqual([['AAPL', '7'], ['MSFT', '2']]);
      expect(await r.summaryOf()).toEqual({});
    });

    it('does not adopt orders the ledger knows by broker or client order id; imports their missing fills', async () => {
      const since = await venueHistory();
      // Fillbook sent this one and heard of its first fill only.
      const sent = await r.place({ symbol: 'NVDA', quantity: '10' });
      const venueId = sent.brokerOrderId!;
      const first = await r.paper.fill(venueId, d('3'), d('100'), { silent: true });
      await ledger.recordFill({ order: { orderId: sent.id, accountId: r.account.id }, execId: first.execId, quantity: '3', price: '100', executedAt: first.executedAt, source: 'broker_stream' });
      await r.paper.fill(venueId, d('7'), d('101'), { silent: true });
      // The bot sent this one (submit: false) and never reported anything: known by client order id only.
      const bot = await r.stack.router.placeOrder({ accountId: r.account.id, clientOrderId: 'bot-7', symbol: 'AMD', side: 'buy', type: 'limit', quantity: '2', limitPrice: '150', submit: false });
      const atVenue = await r.paper.placeExternal({ symbol: 'AMD', side: 'buy', type: 'limit', quantity: '2', limitPrice: '150', clientOrderId: 'bot-7' }, { silent: true });
      await r.paper.fill(atVenue.venueOrderId, d('2'), d('149'), { silent: true });

      const job = await importNow(since);
      expect(job.counts).toMatchObject({ ordersSeen: 6, adopted: 4, fillsSeen: 6, imported: 5 });
      const nvda = await ledger.getOrderDetail({ orderId: sent.id });
      expect([nvda.order.status, nvda.order.qtyFilled.toFixed(), nvda.order.origin, nvda.fills.length]).toEqual(['filled', '10', 'api', 2]);
      const amd = await ledger.getOrder({ orderId: bot.id });
      expect([amd.status, amd.qtyFilled.toFixed(), amd.brokerOrderId, amd.sentBy]).toEqual(['filled', '2', atVenue.venueOrderId, 'bot']);
      expect((await ledger.listOrders(r.account.id)).length).toBe(6);
      expect(await holdings()).toEqual([['AAPL', '7'], ['AMD', '2'], ['MSFT', '2'], ['NVDA', '10']]);
      expect(await r.summaryOf()).toEqual({});
    });

    it('resumes an interrupted import from its last committed page; refuses a since in the future or before 2000', async () => {
      const since = await venueHistory();
      const abort = new AbortController();
      const { job: started, done } = await imports.start({ accountId: r.account.id, since, startedBy: 'test' }, { signal: abort.signal, afterPage: () => abort.abort() });
      const interrupted = await done;
      expect([interrupted.id, interrupted.status, interrupted.phase, interrupted.counts.pages]).toEqual([started.id, 'interrupted', 'fills', 1]);
      const resumed = await importNow(since);
      expect([resumed.id, resumed.status, resumed.counts.adopted, resumed.counts.imported, resumed.counts.pages]).toEqual([started.id, 'completed', 4, 3, 2]);
      expect(await holdings()).toEqual([['AAPL', '7'], ['MSFT', '2']]);

      await expect(imports.start({ accountId: r.account.id, since: new Date(Date.now() + 3_600_000).toISOString(), startedBy: 'test' })).rejects.toMatchObject({ code: 'FILLBOOK_ERR_INVALID_INPUT' });
      await expect(imports.start({ accountId: r.account.id, since: '0000-01-01T00:00:00Z', startedBy: 'test' })).rejects.toMatchObject({ code: 'FILLBOOK_ERR_INVALID_INPUT' });
      await expect(imports.start({ accountId: r.account.id, since: 'yesterday', startedBy: 'test' })).rejects.toMatchObject({ code: 'FILLBOOK_ERR_INVALID_INPUT' });
    });
  });
}
