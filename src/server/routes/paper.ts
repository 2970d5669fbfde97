import { z } from 'zod';
import { Decimal, FillbookError } from '../../domain/index.js';
import { PaperVenue } from '../../venues/index.js';
import * as s from '../schemas.js';
import type { RouteContext } from '../server.js';
import { venueFillView, venueOrderView } from '../views.js';
import type { TypedApp } from './typed.js';

const orderParams = z.object({ account_id: z.uuid(), broker_order_id: z.string().min(1).max(128) });

/** Hand controls of the paper venue: fill, cancel, or place an order outside Fillbook; `silent` skips the ledger. */
export function registerPaperRoutes(app: TypedApp, { service, access }: RouteContext): void {
  async function paper(request: { user?: unknown }, accountId: string): Promise<PaperVenue> {
    const account = await access.account(access.user(request as never), accountId);
    if (account.venue !== 'paper') throw new FillbookError('FILLBOOK_ERR_INVALID_INPUT', `account ${accountId} trades on ${account.venue}, not the paper venue`, { field: 'account_id' });
    return (await service.venues.venueOf(account.id)) as PaperVenue;
  }

  app.post('/v1/paper/:account_id/orders/:broker_order_id/fill', { schema: { operationId: 'fillPaperOrder', summary: 'Paper venue: fill an order by hand', params: orderParams, body: s.paperFill, response: { 200: s.venueFill } } }, async (request) => {
    const venue = await paper(request, request.params.account_id);
    const fill = await venue.fill(request.params.broker_order_id, new Decimal(request.body.quantity), new Decimal(request.body.price), { silent: request.body.silent });
    return venueFillView(fill);
  });

  app.post('/v1/paper/:account_id/orders/:broker_order_id/cancel', { schema: { operationId: 'cancelPaperOrder', summary: 'Paper venue: cancel an order at the venue', params: orderParams, body: s.paperCancel.optional(), response: { 200: s.venueOrder } } }, async (request) => {
    const venue = await paper(request, request.params.account_id);
    return venueOrderView(await venue.cancelOrder(request.params.broker_order_id, { silent: request.body?.silent }));
  });

  app.post('/v1/paper/:account_id/orders', { schema: { operationId: 'placePaperOrder', summary: 'Paper venue: place an order at the venue by hand, outside Fillbook', params: z.object({ account_id: z.uuid() }), body: s.paperOrder, response: { 201: s.venueOrder } } }, async (request, reply) => {
    const venue = await paper(request, request.params.account_id);
    const b = request.body;
    const report = await venue.placeExternal(
      { symbol: b.symbol, side: b.side, type: b.type, quantity: b.quantity, limitPrice: b.limit_price, stopPrice: b.stop_price, assetClass: b.asset_class, timeInForce: b.time_in_force, clientOrderId: b.client_order_id },
      { silent: b.silent },
    );
    return reply.code(201).send(venueOrderView(report));
  });
}
