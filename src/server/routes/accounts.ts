import { z } from 'zod';
import { validateVenueConfig } from '../../venues/index.js';
import * as s from '../schemas.js';
import type { RouteContext } from '../server.js';
import { accountView, holdingView, performanceView } from '../views.js';
import type { TypedApp } from './typed.js';

export function registerAccountRoutes(app: TypedApp, { ledger, access }: RouteContext): void {
  app.post('/v1/accounts', { schema: { operationId: 'createAccount', summary: 'Create an account at a venue (the answer shows its webhook secret once)', body: s.accountCreate, response: { 201: s.account } } }, async (request, reply) => {
    const user = access.user(request);
    const body = request.body;
    validateVenueConfig(body.venue, body.venue_config ?? {});
    const account = await ledger.createAccount({
      name: body.name,
      venue: body.venue,
      baseCurrency: body.base_currency,
      venueConfig: body.venue_config,
      userId: user.id,
      observeOnly: body.observe_only,
      failClosed: body.fail_closed,
    });
    return reply.code(201).send(accountView(account, true));
  });

  app.get('/v1/accounts/:id', { schema: { operationId: 'getAccount', summary: 'One of your accounts, with its halt when fail_closed holds entries back', params: z.object({ id: z.uuid() }), response: { 200: s.account } } }, async (request) => {
    return accountView(await access.account(access.user(request), request.params.id));
  });

  app.patch('/v1/accounts/:id', { schema: { operationId: 'updateAccount', summary: 'Change observe_only or fail_closed of an account', params: z.object({ id: z.uuid() }), body: s.accountUpdate, response: { 200: s.account } } }, async (request) => {
    const account = await access.account(access.user(request), request.params.id);
    return accountView(await ledger.updateAccount(account.id, { observeOnly: request.body.observe_only, failClosed: request.body.fail_closed }));
  });

  app.get('/v1/accounts', { schema: { operationId: 'listAccounts', summary: 'List your accounts', response: { 200: z.object({ data: z.array(s.account) }) } } }, async (request) => {
    return { data: (await ledger.listAccounts(access.user(request).id)).map((a) => accountView(a)) };
  });

  app.get('/v1/holdings', { schema: { operationId: 'listHoldings', summary: "An account's holdings: net quantity and average cost per instrument", querystring: s.accountQuery, response: { 200: z.object({ data: z.array(s.holding) }) } } }, async (request) => {
    const account = await access.account(access.user(request), request.query.account_id);
    return { data: (await ledger.getHoldings(account.id)).map((h) => holdingView(account.id, h)) };
  });

  app.get('/v1/metrics/performance', { schema: { operationId: 'getPerformance', summary: "An account's performance: win rate, profit factor, expectancy, drawdown, equity curve", querystring: s.performanceQuery, response: { 200: s.performance } } }, async (request) => {
    const account = await access.account(access.user(request), request.query.account_id);
    return performanceView(account.id, await ledger.getPerformance(account.id, request.query.currency));
  });
}
