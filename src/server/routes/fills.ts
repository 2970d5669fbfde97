import type { z } from 'zod';
import { FillbookError, isFillbookError } from '../../domain/index.js';
import type { FillResult, OrderRef, RecordFillInput } from '../../ledger/index.js';
import * as s from '../schemas.js';
import type { RouteContext } from '../server.js';
import { fillView, orderView } from '../views.js';
import type { TypedApp } from './typed.js';

/** The ledger's input for a fill as the API describes it. */
function fillInput(b: z.output<typeof s.fillCreate>): RecordFillInput {
  const order: OrderRef =
    b.order_id !== undefined
      ? { orderId: b.order_id, ...(b.account_id === undefined ? {} : { accountId: b.account_id }) }
      : b.client_order_id !== undefined
        ? { accountId: b.account_id!, clientOrderId: b.client_order_id }
        : { accountId: b.account_id!, brokerOrderId: b.broker_order_id! };
  return {
    order,
    execId: b.exec_id,
    leg: b.leg,
    quantity: b.quantity,
    price: b.price,
    fee: b.fee,
    feeCurrency: b.fee_currency,
    liquidity: b.liquidity,
    executedAt: b.executed_at,
    source: 'api',
  };
}

/** Another user's order is indistinguishable from a missing one. */
function asNotFound(error: FillbookError): FillbookError {
  return isFillbookError(error, 'FILLBOOK_ERR_ORDER_NOT_FOUND') ? new FillbookError('FILLBOOK_ERR_NOT_FOUND', error.message, error.details) : error;
}

export function registerFillRoutes(app: TypedApp, { ledger, access }: RouteContext): void {
  /**
   * The ledger asks, per account, whether it is the caller's before writing anything of it; an
   * order addressed by its id alone is found with its account, so ownership costs no extra query.
   */
  const authorizeFor = (user: ReturnType<typeof access.user>) => async (accountId: string) => {
    await access.assertOwns(user, accountId).catch((e: unknown) => {
      throw isFillbookError(e) ? new FillbookError('FILLBOOK_ERR_NOT_FOUND', `no order of account ${accountId} is yours`, {}) : e;
    });
  };

  app.post('/v1/fills', { schema: { operationId: 'recordFill', summary: 'Record one execution (exactly once by exec_id)', body: s.fillCreate, response: { 200: s.fillResult, 201: s.fillResult } } }, async (request, reply) => {
    const result = await ledger.recordFill(fillInput(request.body), { authorize: authorizeFor(access.user(request)) }).catch((e: unknown) => {
      throw isFillbookError(e) ? asNotFound(e) : e;
    });
    return reply.code(result.outcome === 'recorded' ? 201 : 200).send({ outcome: result.outcome, fill: fillView(result.fill), order: orderView(result.order) });
  });

  app.post('/v1/fills/batch', { schema: { operationId: 'recordFills', summary: 'Record up to 1,000 executions, each outcome on its own, in request order', body: s.fillBatchCreate, response: { 200: s.fillBatchResult } } }, async (request) => {
    const parsed = request.body.fills.map((item) => s.fillCreate.safeParse(item));
    const valid = parsed.flatMap((p) => (p.success ? [fillInput(p.data)] : []));
    const recorded = (await ledger.recordFills(valid, { authorize: authorizeFor(access.user(request)) })).values();
    const results = parsed.map((p, i) => {
      if (!p.success) {
        const issues = p.error.issues.map((issue) => ({ path: `fills.${i}${issue.path.map((k) => `.${String(k)}`).join('')}`, message: issue.message }));
        const execId = (request.body.fills[i] as { exec_id?: unknown } | null)?.exec_id;
        return {
          exec_id: typeof execId === 'string' ? execId : '',
          outcome: 'refused' as const,
          error: { code: 'FILLBOOK_ERR_VALIDATION', message: `invalid fill: ${issues.map((x) => `${x.path}: ${x.message}`).join('; ')}`, details: { issues } },
        };
      }
      return resultView(recorded.next().value!);
    });
    return { results };
  });
}

function resultView(r: FillResult): z.output<typeof s.fillBatchResult>['results'][number] {
  if ('fill' in r) return { exec_id: r.execId, outcome: r.outcome, fill: fillView(r.fill) };
  const error = asNotFound(r.error);
  return { exec_id: r.execId, outcome: r.outcome, error: { code: error.code, message: error.message, details: error.details } };
}
