import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal, type VenueOrderReport } from '../../src/domain/index.js';
import { type OrderListOptions, type VenueAdapter, venueCapabilityNames, type VenueEvent, type VenuePlaceRequest } from '../../src/venues/index.js';
import { eventually } from '../support/eventually.js';

/**
 * The contract every venue adapter passes, the paper venue included. `setup` gives an adapter and
 * the means to make the venue act on its own (a fill, as the market would), through whatever drives
 * it: the paper venue's hand controls, or a local server speaking the venue's wire format.
 */
export interface ContractVenue {
  adapter: VenueAdapter;
  /** Makes the venue fill (part of) one of its orders. */
  fillAtVenue(venueOrderId: string, quantity: string, price: string): Promise<void>;
  /** The symbol the venue trades in these tests, and a limit price that rests (does not fill). */
  symbol: string;
  restingPrice: string;
  assetClass?: VenuePlaceRequest['assetClass'];
  close(): Promise<void>;
}

/** Every page of an adapter's order history since a time, by venue order id (the last report of each). */
export async function orderHistory(adapter: VenueAdapter, since: string, options: OrderListOptions = {}): Promise<Map<string, VenueOrderReport>> {
  const seen = new Map<string, VenueOrderReport>();
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await adapter.listOrders!(since, cursor, options);
    for (const o of page.orders) seen.set(o.venueOrderId, o);
    cursor = page.cursor;
    expect(++pages).toBeLessThan(1_000);
  } while (cursor !== null);
  return seen;
}

export function venueContract(name: string, setup: () => Promise<ContractVenue>): void {
  describe(`venue contract: ${name}`, () => {
    let venue: ContractVenue;
    const events: VenueEvent[] = [];
    let unsubscribe = () => {};
    beforeAll(async () => {
      venue = await setup();
      unsubscribe = venue.adapter.subscribe((e) => events.push(e));
    });
    afterAll(async () => {
      unsubscribe();
      await venue.close();
    });

    const request = (clientOrderId: string, quantity = '5'): VenuePlaceRequest => ({
      clientOrderId,
      symbol: venue.symbol,
      assetClass: venue.assetClass ?? 'equity',
      side: 'buy',
      type: 'limit',
      timeInForce: 'day',
      quantity: new Decimal(quantity),
      limitPrice: new Decimal(venue.restingPrice),
      stopPrice: null,
    });
    const unique = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;

    it('declares every capability as true or false', () => {
      for (const capability of venueCapabilityNames) expect(typeof venue.adapter.capabilities[capability]).toBe('boolean');
      expect(Object.keys(venue.adapter.capabilities).sort()).toEqual([...venueCapabilityNames].sort());
    });

    it('places an order and finds it by venue id, by client order id and among the open orders', async () => {
      const clientOrderId = unique('contract-place');
      const placed = await venue.adapter.placeOrder(request(clientOrderId));
      expect(placed.venueOrderId).toEqual(expect.any(String));
      expect(['pending_submit', 'submitted', 'open']).toContain(placed.status);
      expect(placed.filledQuantity.toFixed()).toBe('0');
      const byId = await venue.adapter.getOrder(placed.venueOrderId);
      expect(byId?.venueOrderId).toBe(placed.venueOrderId);
      expect(byId?.quantity.toFixed()).toBe('5');
      if (venue.adapter.capabilities.clientOrderId) expect(byId?.clientOrderId).toBe(clientOrderId);
      const byClient = await venue.adapter.getOrderByClientId(clientOrderId);
      expect(byClient?.venueOrderId).toBe(placed.venueOrderId);
      expect((await venue.adapter.listOpenOrders()).map((o) => o.venueOrderId)).toContain(placed.venueOrderId);
    });

    it('answers undefined for an order it does not have', async () => {
      expect(await venue.adapter.getOrderByClientId(unique('never-placed'))).toBeUndefined();
    });

    it('cancels an order, which then leaves the open orders', async () => {
      const placed = await venue.adapter.placeOrder(request(unique('contract-cancel')));
      const canceled = await venue.adapter.cancelOrder(placed.venueOrderId);
      expect(['canceled', 'pending_cancel']).toContain(canceled.status);
      await eventually(async () => {
        expect((await venue.adapter.getOrder(placed.venueOrderId))?.status).toBe('canceled');
        expect((await venue.adapter.listOpenOrders()).map((o) => o.venueOrderId)).not.toContain(placed.venueOrderId);
      });
    });

    it('reports fills with stable ids, partially then fully, in the fill history and the positions', async () => {
      const since = new Date(Date.now() - 60_000).toISOString();
      const placed = await venue.adapter.placeOrder(request(unique('contract-fill'), '4'));
      await venue.fillAtVenue(placed.venueOrderId, '1', venue.restingPrice);
      const partial = await eventually(async () => {
        const o = await venue.adapter.getOrder(placed.venueOrderId);
        expect(o?.status).toBe('partially_filled');
        return o as VenueOrderReport;
      });
      expect(partial.filledQuantity.toFixed()).toBe('1');
      await venue.fillAtVenue(placed.venueOrderId, '3', venue.restingPrice);
      await eventually(async () => expect((await venue.adapter.getOrder(placed.venueOrderId))?.status).toBe('filled'));
      const fills = [];
      let cursor: string | null = null;
      do {
        const page = await venue.adapter.listFills(since, cursor);
        fills.push(...page.fills.filter((f) => f.venueOrderId === placed.venueOrderId));
        cursor = page.cursor;
      } while (cursor !== null);
      expect(fills.map((f) => f.quantity.toFixed()).sort()).toEqual(['1', '3']);
      expect(new Set(fills.map((f) => f.execId)).size).toBe(2);
      // Asking again gives the same ids: fill identity is stable.
      const again = (await venue.adapter.listFills(since)).fills.filter((f) => f.venueOrderId === placed.venueOrderId).map((f) => f.execId).sort();
      expect(again).toEqual(fills.map((f) => f.execId).sort());
      if (venue.adapter.capabilities.positions) {
        const position = (await venue.adapter.listPositions()).find((p) => p.symbol === venue.symbol);
        expect(position?.netQuantity.gte(4)).toBe(true);
      }
    });

    it('pushes normalized order and fill events on its stream', async () => {
      if (!venue.adapter.capabilities.stream) return;
      const placed = await venue.adapter.placeOrder(request(unique('contract-stream'), '2'));
      await venue.fillAtVenue(placed.venueOrderId, '2', venue.restingPrice);
      await eventually(() => {
        const fill = events.find((e) => e.kind === 'fill' && e.fill.venueOrderId === placed.venueOrderId);
        expect(fill).toBeDefined();
        return Promise.resolve();
      });
    });

    it('lists every order since a time, closed ones included, paged, when it says it can', async () => {
      // Reconciliation and the history import read closed orders through this; a venue without it
      // must say so in its capabilities (and then reconciliation sees closed orders only through fills).
      if (!venue.adapter.capabilities.ordersSince) {
        expect(venue.adapter.listOrders).toBeUndefined();
        return;
      }
      const since = new Date(Date.now() - 60_000).toISOString();
      const canceled = await venue.adapter.placeOrder(request(unique('contract-since-cancel')));
      await venue.adapter.cancelOrder(canceled.venueOrderId);
      const filled = await venue.adapter.placeOrder(request(unique('contract-since-fill'), '2'));
      await venue.fillAtVenue(filled.venueOrderId, '2', venue.restingPrice);
      const open = await venue.adapter.placeOrder(request(unique('contract-since-open')));
      await eventually(async () => {
        const seen = await orderHistory(venue.adapter, since);
        expect(seen.get(canceled.venueOrderId)?.status).toBe('canceled');
        expect(seen.get(filled.venueOrderId)?.status).toBe('filled');
        expect(seen.get(filled.venueOrderId)?.filledQuantity.toFixed()).toBe('2');
        expect(['open', 'submitted', 'pending_submit']).toContain(seen.get(open.venueOrderId)?.status);
        // Asked for closed orders only (a hint an adapter may ignore), it still lists every closed one.
        const closed = await orderHistory(venue.adapter, since, { closedOnly: true });
        expect(closed.get(canceled.venueOrderId)?.status).toBe('canceled');
        expect(closed.get(filled.venueOrderId)?.status).toBe('filled');
      });
    });

    it('does not create a second order for a repeated client order id when it says it is idempotent', async () => {
      if (!venue.adapter.capabilities.idempotentSubmit) return;
      const clientOrderId = unique('contract-idem');
      const first = await venue.adapter.placeOrder(request(clientOrderId));
      const second = await venue.adapter.placeOrder(request(clientOrderId)).catch(() => undefined);
      if (second !== undefined) expect(second.venueOrderId).toBe(first.venueOrderId);
      const open = (await venue.adapter.listOpenOrders()).filter((o) => o.clientOrderId === clientOrderId);
      expect(open).toHaveLength(1);
    });
  });
}
