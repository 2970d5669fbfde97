import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  applyOrderEvent,
  checkExposure,
  Decimal,
  encodeOrderEvent,
  isFillbookError,
  isTerminal,
  type Order,
  type OrderEvent,
  orderStatuses,
  type OrderStatus,
  positionExposure,
  positionRoles,
  type PositionRole,
  type PositionSpec,
  workingStatuses,
} from '../../src/domain/index.js';
import { insertGuardedOrder, insertOrder, selectGuardSnapshot } from '../../src/storage/index.js';
import { describeEachEngine } from '../support/backends.js';

/**
 * The duplicate-exposure guard exists twice: `checkExposure` in the domain, which decides on a read
 * and words every refusal, and the room computed by `insertGuardedOrder`'s SQL, which lets a
 * placement be one statement. This holds them to the same decision, and to the same exposure, over
 * random books of orders in every status.
 */
const quarter = (n: number) => new Decimal(n).div(4);

interface BookOrder {
  role: PositionRole;
  status: OrderStatus;
  quantity: number;
  filledShare: number;
}

const bookOrder: fc.Arbitrary<BookOrder> = fc.record({
  role: fc.constantFrom(...positionRoles),
  status: fc.constantFrom(...orderStatuses),
  quantity: fc.integer({ min: 1, max: 60 }),
  filledShare: fc.integer({ min: 0, max: 4 }),
});

describeEachEngine('the exposure guard in SQL and in the domain', (h) => {
  it('decide alike and see the same exposure', async () => {
    const { ledger, db } = h();
    const account = await ledger.createAccount({ name: 'guard twins', venue: 'manual' });
    let signal = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 200 }),
        fc.constantFrom('long' as const, 'short' as const),
        fc.array(bookOrder, { maxLength: 8 }),
        fc.constantFrom(...positionRoles),
        fc.integer({ min: 1, max: 80 }),
        async (target, side, book, role, requested) => {
          signal += 1;
          const { position } = await ledger.createPosition({ accountId: account.id, signalId: `twin-${signal}`, symbol: 'SPY', side, targetQuantity: quarter(target).toFixed() });
          const spec: PositionSpec = position;
          const sideOf = (r: PositionRole) => ((r === 'entry') === (side === 'long') ? 'buy' : 'sell');
          const at = new Date().toISOString();
          const orderOf = (o: { role: PositionRole; quantity: Decimal }): { order: Order; event: OrderEvent } => {
            const event: OrderEvent = {
              type: 'created', at, recordedAt: at, source: 'api',
              order: {
                id: crypto.randomUUID(), accountId: account.id, clientOrderId: `twin-${crypto.randomUUID()}`, brokerOrderId: null,
                positionId: position.id, role: o.role, origin: 'api', sentBy: 'fillbook', symbol: 'SPY', assetClass: 'equity', side: sideOf(o.role),
                type: 'market', timeInForce: 'day', quantity: o.quantity, limitPrice: null, stopPrice: null, legs: null,
              },
            };
            return { order: applyOrderEvent(undefined, event), event };
          };
          // The book is written as rows in any status: the guard reads rows, not their history.
          const rows: Order[] = [];
          for (const b of book) {
            const quantity = quarter(b.quantity);
            const qtyFilled = quantity.times(b.filledShare).div(4);
            // A filled order has filled it all; a terminal one has nothing remaining (the table's checks).
            const filled = b.status === 'filled' ? quantity : qtyFilled;
            const row: Order = {
              ...orderOf({ role: b.role, quantity }).order,
              status: b.status,
              qtyFilled: filled,
              qtyRemaining: isTerminal(b.status) ? new Decimal(0) : quantity.minus(filled),
              filledNotional: filled.times(10),
              avgFillPrice: filled.isZero() ? null : new Decimal(10),
            };
            expect(await insertOrder(db, row, 'fingerprint')).toBe(true);
            rows.push(row);
          }
          const snapshot = await selectGuardSnapshot(db, account.id, position.id, null);
          const request = orderOf({ role, quantity: quarter(requested) });
          const domainAccepts = (() => {
            try {
              checkExposure(spec, positionExposure(rows), { role, side: sideOf(role), symbol: 'SPY', quantity: request.order.quantity });
              return true;
            } catch (error) {
              if (isFillbookError(error, 'FILLBOOK_ERR_EXPOSURE_EXCEEDED')) return false;
              throw error;
            }
          })();

          const written = await insertGuardedOrder(db, request.order, 'fingerprint', encodeOrderEvent(request.event), snapshot!.guardVersion, workingStatuses);

          if (written.outcome === 'stale') throw new Error('nothing else wrote to the position');
          expect(written.outcome).toBe(domainAccepts ? 'created' : 'no_room');
          const exposure = positionExposure(rows);
          expect(new Decimal(written.exposure.entered).eq(exposure.qtyEntered)).toBe(true);
          expect(new Decimal(written.exposure.entered).minus(written.exposure.exited).eq(exposure.qtyOpen)).toBe(true);
          for (const r of positionRoles) expect(new Decimal(written.exposure.working[r]).eq(exposure.working[r])).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
