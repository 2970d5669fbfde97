import { Decimal, type Fill, type Order, type OrderEvent, type OrderSpec, type OrderUpdate, applyOrderEvent } from '../../src/domain/index.js';

/** Builders for domain tests: small, explicit, no storage. */
export const t0 = '2026-11-20T14:30:00.000Z';
export const at = (seconds: number) => new Date(Date.parse(t0) + seconds * 1000).toISOString();

export function spec(overrides: Partial<OrderSpec> = {}): OrderSpec {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    accountId: '00000000-0000-4000-8000-0000000000aa',
    clientOrderId: 'cid-1',
    brokerOrderId: null,
    positionId: null,
    role: 'entry',
    origin: 'api',
    sentBy: 'fillbook',
    symbol: 'AAPL',
    assetClass: 'equity',
    side: 'buy',
    type: 'limit',
    timeInForce: 'day',
    quantity: new Decimal(10),
    limitPrice: new Decimal('2.50'),
    stopPrice: null,
    legs: null,
    ...overrides,
  };
}

export function created(overrides: Partial<OrderSpec> = {}): Order {
  return applyOrderEvent(undefined, { type: 'created', at: t0, recordedAt: t0, source: 'api', order: spec(overrides) });
}

/** An update without its times and source, which `event` fills in. */
type Update = OrderUpdate extends infer U ? (U extends OrderUpdate ? Omit<U, 'at' | 'recordedAt' | 'source'> : never) : never;

export function event(u: Update, seconds = 1): OrderEvent {
  return { at: at(seconds), recordedAt: at(seconds), source: 'api', ...u } as OrderEvent;
}

export function fillEvent(execId: string, quantity: string, price: string, seconds = 1, fee = '0'): OrderEvent {
  const fill: Fill = {
    id: `fill-${execId}`,
    accountId: spec().accountId,
    orderId: spec().id,
    execId,
    leg: null,
    quantity: new Decimal(quantity),
    price: new Decimal(price),
    fee: new Decimal(fee),
    feeCurrency: 'USD',
    liquidity: null,
    executedAt: at(seconds),
    receivedAt: at(seconds),
    source: 'broker_stream',
  };
  return { type: 'filled', at: at(seconds), recordedAt: at(seconds), source: 'broker_stream', fill };
}

/** Applies events in order to a freshly created order. */
export function run(...events: OrderEvent[]): Order {
  return events.reduce<Order>((order, e) => applyOrderEvent(order, e), created());
}
