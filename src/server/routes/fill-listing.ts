import type { z } from 'zod';
import { checkExportSize, exportCsv, exportKinds } from '../../exports/index.js';
import { type ListedFill, selectFillPage } from '../../storage/index.js';
import { exportQuery, fillQuery, listedFill } from '../schemas-fills.js';
import { page } from '../schemas.js';
import type { RouteContext } from '../server.js';
import { fillView } from '../views.js';
import { decodeCursor, encodeCursor } from './orders.js';
import type { TypedApp } from './typed.js';

function listedFillView(f: ListedFill): z.output<typeof listedFill> {
  return {
    ...fillView(f),
    account_id: f.accountId,
    symbol: f.symbol,
    asset_class: f.assetClass,
    side: f.side,
    client_order_id: f.clientOrderId,
    broker_order_id: f.brokerOrderId,
    role: f.role,
    position_id: f.positionId,
    signal_id: f.signalId,
  };
}

/** Listing fills (`GET /v1/fills`, paged like the orders; recording them is in fills.ts) and the CSV exports of fills, orders and closed trades. */
export function registerFillListingRoutes(app: TypedApp, { ledger, access }: RouteContext): void {
  app.get('/v1/fills', { schema: { operationId: 'listFills', summary: 'List fills, newest first', querystring: fillQuery, response: { 200: page(listedFill) } } }, async (request) => {
    const q = request.query;
    const user = access.user(request);
    const accountIds = q.account_id !== undefined ? [(await access.account(user, q.account_id)).id] : (await ledger.listAccounts(user.id)).map((a) => a.id);
    const after = q.cursor === undefined ? null : decodeCursor(q.cursor);
    const fills = await selectFillPage(ledger.db, {
      accountIds,
      since: q.since ?? null,
      until: q.until ?? null,
      symbol: q.symbol ?? null,
      orderId: q.order_id ?? null,
      after: after === null ? null : { at: after.createdAt, id: after.id },
      direction: 'desc',
      limit: q.limit,
    });
    const last = fills.at(-1);
    return { data: fills.map(listedFillView), next_cursor: fills.length === q.limit && last !== undefined ? encodeCursor(last.keysetAt, last.id) : null };
  });

  for (const kind of exportKinds) {
    app.get(`/v1/exports/${kind}.csv`, { schema: { operationId: `export${kind[0]!.toUpperCase()}${kind.slice(1)}Csv`, summary: `Export ${kind} as CSV`, querystring: exportQuery } }, async (request, reply) => {
      const q = request.query;
      const account = await access.account(access.user(request), q.account_id);
      const r = { kind, account, since: q.since ?? null, until: q.until ?? null };
      // Checked before the first byte: once the stream has started, an error can only cut it short.
      await checkExportSize(ledger.db, r);
      const stream = exportCsv(ledger.db, r);
      stream.on('error', (error) => request.log.error({ err: error }, `export of ${kind} cut short`));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${kind}-${account.id}.csv"`)
        .send(stream);
    });
  }
}
