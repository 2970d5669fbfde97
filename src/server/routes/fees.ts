import { FillbookError, isFillbookError } from '../../domain/index.js';
import * as s from '../schemas.js';
import type { RouteContext } from '../server.js';
import { recordedFeeView } from '../views.js';
import type { TypedApp } from './typed.js';

/**
 * `POST /v1/fees`: a fee the venue reported apart from its fill (an Alpaca fee activity), recorded
 * once per `fee_id`: 201 recorded, 200 the same fee again, 409 the same id with different data.
 */
export function registerFeeRoutes(app: TypedApp, { ledger, access }: RouteContext): void {
  app.post('/v1/fees', { schema: { operationId: 'recordFee', summary: 'Record a fee the venue reported apart from its fill (exactly once by fee_id)', body: s.feeCreate, response: { 200: s.feeResult, 201: s.feeResult } } }, async (request, reply) => {
    const b = request.body;
    await access.assertOwns(access.user(request), b.account_id);
    const order =
      b.order_id !== undefined ? { orderId: b.order_id } : b.client_order_id !== undefined ? { clientOrderId: b.client_order_id } : b.broker_order_id !== undefined ? { brokerOrderId: b.broker_order_id } : undefined;
    const result = await ledger
      .recordFee({
        accountId: b.account_id,
        feeId: b.fee_id,
        ...(order === undefined ? {} : { order }),
        execId: b.exec_id ?? null,
        ...(b.symbol === undefined ? {} : { symbol: b.symbol }),
        ...(b.asset_class === undefined ? {} : { assetClass: b.asset_class }),
        amount: b.amount,
        currency: b.currency,
        kind: b.kind ?? null,
        ...(b.charged_at === undefined ? {} : { chargedAt: b.charged_at }),
        source: 'api',
        payload: b,
      })
      .catch((e: unknown) => {
        // An order that is not found, or not the caller's, is one 404.
        throw isFillbookError(e, 'FILLBOOK_ERR_ORDER_NOT_FOUND') ? new FillbookError('FILLBOOK_ERR_NOT_FOUND', e.message, e.details) : e;
      });
    return reply.code(result.outcome === 'recorded' ? 201 : 200).send({ outcome: result.outcome, fee: recordedFeeView(result.fee) });
  });
}
