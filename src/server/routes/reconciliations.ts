import { z } from 'zod';
import * as s from '../schemas.js';
import type { RouteContext } from '../server.js';
import { runView } from '../views.js';
import type { TypedApp } from './typed.js';
import { notFound } from '../errors.js';

export function registerReconciliationRoutes(app: TypedApp, { service, access }: RouteContext): void {
  app.post('/v1/reconciliations', { schema: { operationId: 'createReconciliation', summary: 'Reconcile an account against its venue (a dry run unless actions are chosen)', body: s.reconciliationCreate, response: { 201: s.reconciliationRun } } }, async (request, reply) => {
    const user = access.user(request);
    const account = await access.account(user, request.body.account_id);
    const run = await service.reconciler.run({ accountId: account.id, actions: request.body.actions ?? [], startedBy: `user:${user.name}` });
    return reply.code(201).send(runView(run));
  });

  app.get('/v1/reconciliations/:id', { schema: { operationId: 'getReconciliation', summary: 'A reconciliation run with its findings', params: z.object({ id: z.uuid() }), response: { 200: s.reconciliationRun } } }, async (request) => {
    const run = await service.reconciler.getRun(request.params.id);
    await access.assertOwns(access.user(request), run.accountId).catch(() => {
      throw notFound('reconciliation', request.params.id);
    });
    return runView(run);
  });

  app.get('/v1/reconciliations', { schema: { operationId: 'listReconciliations', summary: "An account's reconciliation runs", querystring: s.accountQuery, response: { 200: z.object({ data: z.array(s.reconciliationRun) }) } } }, async (request) => {
    const account = await access.account(access.user(request), request.query.account_id);
    return { data: (await service.reconciler.listRuns(account.id)).map((r) => runView(r)) };
  });
}
