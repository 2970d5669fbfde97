import { expect, it } from 'vitest';
import { readWorkingOrders } from '../../src/storage/index.js';
import { describeEachEngine } from '../support/backends.js';

/** Broker order ids a venue may choose: those COPY escapes, `\N` as text (the null's spelling), and more than ASCII. */
const brokerIds = [null, 'P-1', 'tab\there', 'back\\slash', '\\N', '\\', 'N', null, 'new\nline', 'cr\rhere', 'ctl\b\f\vx', 'ünï-€-𝄞'];

describeEachEngine('working orders as reconciliation reads them', (h) => {
  it('compare as their views say, whatever their ids, and are handed over page by page as read', async () => {
    const ledger = h().ledger;
    const account = await ledger.createAccount({ name: 'working', venue: 'paper', venueConfig: { fillMode: 'manual', latencyMs: 0 } });
    for (const [i, brokerOrderId] of brokerIds.entries()) {
      const { order } = await ledger.recordOrder({ accountId: account.id, symbol: `S${i % 2}`, side: 'buy', type: 'limit', quantity: '10', limitPrice: '100', clientOrderId: `c\t${i}` });
      if (brokerOrderId !== null) await ledger.applyEvent({ orderId: order.id }, { type: 'submitted', brokerOrderId });
      if (i % 3 === 1) await ledger.applyEvent({ orderId: order.id }, { type: 'accepted' });
    }
    const pages: number[] = [];
    const working = await readWorkingOrders(h().db, account.id, 4, (read, sofar) => {
      pages.push(read);
      expect(sofar.length).toBe(read);
    });
    expect(pages).toEqual([4, 8, 12]);
    expect(working.length).toBe(brokerIds.length);
    for (let at = 0; at < working.length; at++) {
      const view = working.view(at);
      const compared = working.compared(at);
      expect({ ...compared }).toEqual({ status: view.status, qtyFilled: view.qtyFilled, updatedAt: view.updatedAt, hasBrokerOrderId: view.brokerOrderId !== null });
      expect(working.brokerOrderId(at)).toBe(view.brokerOrderId);
      expect(working.clientOrderId(at)).toBe(view.clientOrderId);
      expect([working.hasClientOrderId(at, view.clientOrderId), working.hasClientOrderId(at, `${view.clientOrderId}x`), working.hasClientOrderId(at, view.clientOrderId.slice(0, -1))]).toEqual([true, false, false]);
    }
    expect(new Set(Array.from({ length: working.length }, (_, at) => working.view(at).brokerOrderId))).toEqual(new Set(brokerIds));
    expect(new Set(Array.from({ length: working.length }, (_, at) => working.view(at).status))).toEqual(new Set(['pending_submit', 'submitted', 'open']));
  });
});
