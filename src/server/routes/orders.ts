import { z } from 'zod';
import { FillbookError, isFillbookError } from '../../domain/index.js';
import type { OrderRef } from '../../ledger/index.js';
import { selectOrderFillsPage } from '../../storage/index.js';
import { domainEventOf } from '../event-words.js';
import * as s from '../schemas.js';
import type { RouteContext } from '../server.js';
import { fillView, orderDetailView, orderView } from '../views.js';
import type { TypedApp } from './typed.js';

const orderParams = z.object({ id: z.uuid() });

export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

const cursorShape = z.tuple([z.iso.datetime({ offset: true }), z.uuid()]);

/** A cursor is only ever one this service issued; anything else (another shape, forged values) is a 422. */
export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    decoded = undefined;
  }
  const parsed = cursorShape.safeParse(decoded);
  const createdAtMs = parsed.success ? Date.parse(parsed.data[0]) : Number.NaN;
  if (!parsed.success || !(createdAtMs >= 0 && createdAtMs < Date.UTC(10_000, 0, 1) - 14 * 3_600_000)) {
    throw new FillbookError('FILLBOOK_ERR_VALIDATION', 'cursor is not one this service issued; pass next_cursor back unchanged', { field: 'cursor' });
  }
  return { createdAt: parsed.data[0], id: parsed.data[1] };
}

function encodeFillCursor(executedAt: string, execId: string): string {
  return Buffer.from(JSON.stringify([executedAt, execId])).toString('base64url');
}

const fillCursorShape = z.tuple([z.iso.datetime({ offset: true }), z.string().min(1).max(200)]);

function decodeFillCursor(cursor: string): { executedAt: string; execId: string } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    decoded = undefined;
  }
  const parsed = fillCursorShape.safeParse(decoded);
  if (!parsed.success || parsed.data[1].includes('\u0000') || !(Date.parse(parsed.data[0]) >= 0)) {
    throw new FillbookError('FILLBOOK_ERR_VALIDATION', 'cursor is not one this service issued; pass next_cursor back unchanged', { field: 'cursor' });
  }
  return { executedAt: parsed.data[0], execId: parsed.data[1] };
}

export function registerOrderRoutes(app: TypedApp, { ledger, service, access }: RouteContext): void {
  app.post('/v1/orders', { schema: { operationId: 'createOrder', summary: "Record an order (guarded, write-ahead) and submit it through the account's venue", body: s.orderCreate, response: { 200: s.order, 201: s.order } } }, async (request, reply) => {
    const b = request.body;
    await access.assertOwns(access.user(request), b.account_id);
    const request_ = {
      accountId: b.account_id,
      symbol: b.symbol,
      side: b.side,
      type: b.type,
      quantity: b.quantity,
      limitPrice: b.limit_price,
      stopPrice: b.stop_price,
      timeInForce: b.time_in_force,
      positionId: b.position_id,
      role: b.role,
      clientOrderId: b.client_order_id,
      assetClass: b.asset_class,
      legs: b.legs?.map((l) => ({ symbol: l.symbol, assetClass: l.asset_class, side: l.side, ratio: l.ratio, positionEffect: l.position_effect })),
      submit: b.submit,
    };
    // An idempotent replay answers 200 with the original; a new order 201.
    const { order, created } = await service.router.place(request_);
    return reply.code(created ? 201 : 200).send(orderView(order));
  });

  app.get('/v1/orders', { schema: { operationId: 'listOrders', summary: 'List orders, newest first, filtered and paged', querystring: s.orderQuery, response: { 200: s.page(s.order) } } }, async (request) => {
    const q = request.query;
    const user = access.user(request);
    const accountIds = q.account_id !== undefined ? [(await access.account(user, q.account_id)).id] : (await ledger.listAccounts(user.id)).map((a) => a.id);
    const orders = await ledger.pageOrders({
      accountIds,
      statuses: q.status ?? null,
      symbol: q.symbol ?? null,
      positionId: q.position_id ?? null,
      signalId: q.signal_id ?? null,
      since: q.since ?? null,
      after: q.cursor === undefined ? null : decodeCursor(q.cursor),
      limit: q.limit,
    });
    const last = orders.at(-1);
    const fees = await ledger.orderFees(orders);
    return { data: orders.map((o) => orderView(o, fees.get(o.id))), next_cursor: orders.length === q.limit && last !== undefined ? encodeCursor(last.createdAt, last.id) : null };
  });

  app.get('/v1/orders/:id', { schema: { operationId: 'getOrder', summary: 'An order with its fills, quarantined fills and audit trail', params: orderParams, response: { 200: s.orderDetail } } }, async (request) => {
    const ref: OrderRef = { orderId: request.params.id };
    const accountId = await access.orderAccount(access.user(request), ref);
    const detail = await ledger.getOrderDetail({ orderId: request.params.id, accountId });
    const [fees, recorded, quarantined] = [await ledger.orderFees([detail.order]), await ledger.listRecordedFees(detail.order.accountId, [detail.order.id]), await ledger.listQuarantinedFills(accountId, detail.order.id)];
    // An order with thousands of fills answered megabytes: the page shows the first ones and a cursor.
    const fills = detail.fills.slice(0, s.orderDetailFillsMax);
    const last = fills.at(-1);
    const next = detail.fills.length > s.orderDetailFillsMax && last !== undefined ? encodeFillCursor(last.executedAt, last.execId) : null;
    return orderDetailView({ ...detail, fills }, fees.get(detail.order.id), recorded, quarantined, next);
  });

  app.get('/v1/orders/:id/fills', { schema: { operationId: 'listOrderFills', summary: "Page an order's fills", params: orderParams, querystring: s.fillQuery, response: { 200: s.page(s.fill) } } }, async (request) => {
    const accountId = await access.orderAccount(access.user(request), { orderId: request.params.id });
    const after = request.query.cursor === undefined ? null : decodeFillCursor(request.query.cursor);
    const fills = await selectOrderFillsPage(ledger.db, accountId, request.params.id, after, request.query.limit);
    const last = fills.at(-1);
    return { data: fills.map(fillView), next_cursor: fills.length === request.query.limit && last !== undefined ? encodeFillCursor(last.executedAt, last.execId) : null };
  });

  app.post('/v1/orders/:id/cancel', { schema: { operationId: 'cancelOrder', summary: 'Ask the venue to cancel an order', params: orderParams, body: z.strictObject({}).optional(), response: { 200: s.order } } }, async (request) => {
    const accountId = await access.orderAccount(access.user(request), { orderId: request.params.id });
    return orderView(await service.router.cancelOrder({ orderId: request.params.id, accountId }));
  });

  app.post('/v1/orders/:id/events', { schema: { operationId: 'reportOrderEvent', summary: 'Report a lifecycle event for an order (a bot that talks to its broker)', params: orderParams, body: s.orderEventCreate, response: { 200: s.order } } }, async (request) => {
    const accountId = await access.orderAccount(access.user(request), { orderId: request.params.id });
    const b = request.body;
    const order = await ledger.applyEvent(
      { orderId: request.params.id, accountId },
      { type: domainEventOf[b.type], brokerOrderId: b.broker_order_id, reason: b.reason, quantity: b.quantity, limitPrice: b.limit_price, stopPrice: b.stop_price, at: b.at, source: 'api' },
    );
    return orderView(order);
  });
}
