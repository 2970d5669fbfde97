import { z } from 'zod';
import * as s from '../schemas.js';
import type { RouteContext } from '../server.js';
import { positionView } from '../views.js';
import { decodeCursor, encodeCursor } from './orders.js';
import type { TypedApp } from './typed.js';
import { notFound } from '../errors.js';
import { isFillbookError } from '../../domain/index.js';

export function registerPositionRoutes(app: TypedApp, { ledger, access }: RouteContext): void {
  app.post('/v1/positions', { schema: { operationId: 'createPosition', summary: 'Declare a position for a signal (idempotent on signal_id)', body: s.positionCreate, response: { 200: s.position, 201: s.position } } }, async (request, reply) => {
    const b = request.body;
    await access.assertOwns(access.user(request), b.account_id);
    const { position, created } = await ledger.createPosition({
      accountId: b.account_id,
      signalId: b.signal_id,
      symbol: b.symbol,
      side: b.side,
      targetQuantity: b.target_quantity,
      assetClass: b.asset_class,
      multiplier: b.multiplier,
    });
    return reply.code(created ? 201 : 200).send(positionView(position));
  });

  app.get('/v1/positions', { schema: { operationId: 'listPositions', summary: 'List positions, newest first', querystring: s.positionQuery, response: { 200: s.page(s.position) } } }, async (request) => {
    const user = access.user(request);
    const q = request.query;
    const accountIds = q.account_id !== undefined ? [(await access.account(user, q.account_id)).id] : (await ledger.listAccounts(user.id)).map((a) => a.id);
    const positions = await ledger.pagePositions(accountIds, q.cursor === undefined ? null : decodeCursor(q.cursor), q.limit);
    const last = positions.at(-1);
    return { data: positions.map(positionView), next_cursor: positions.length === q.limit && last !== undefined ? encodeCursor(last.createdAt, last.id) : null };
  });

  app.get('/v1/positions/:id', { schema: { operationId: 'getPosition', summary: 'A position with its derived figures', params: z.object({ id: z.uuid() }), response: { 200: s.position } } }, async (request) => {
    const position = await ledger.getPosition({ positionId: request.params.id }).catch((e: unknown) => {
      throw isFillbookError(e, 'FILLBOOK_ERR_POSITION_NOT_FOUND') ? notFound('position', request.params.id) : e;
    });
    await access.assertOwns(access.user(request), position.accountId).catch(() => {
      throw notFound('position', request.params.id);
    });
    return positionView(position);
  });
}
