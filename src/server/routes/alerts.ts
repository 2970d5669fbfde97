import { z } from 'zod';
import { type AlertAccount, alertMessage } from '../../domain/index.js';
import { type AlertSinkInput, secretHint } from '../../service/index.js';
import { type AlertSinkRecord, type ListedAlert, requeueDeliveries, selectAlerts } from '../../storage/index.js';
import { notFound } from '../errors.js';
import * as a from '../schemas-alerts.js';
import type { RouteContext } from '../server.js';
import { decodeCursor, encodeCursor } from './orders.js';
import type { TypedApp } from './typed.js';

/** A sink as the API shows it: never its secret, only a hint (and a secret Fillbook made, once). */
export function alertSinkView(sink: AlertSinkRecord, generatedSecret: string | null = null): z.infer<typeof a.alertSink> {
  return {
    id: sink.id,
    name: sink.name,
    kind: sink.kind,
    enabled: sink.enabled,
    kinds: sink.kinds,
    url: sink.kind === 'webhook' ? String(sink.config.url) : null,
    chat_id: sink.kind === 'telegram' ? String(sink.config.chat_id) : null,
    secret_hint: secretHint(sink),
    ...(generatedSecret === null ? {} : { secret: generatedSecret }),
    created_at: sink.createdAt,
  };
}

export function alertView(alert: ListedAlert, account: AlertAccount): z.infer<typeof a.alert> {
  const message = alertMessage(alert, account);
  return {
    id: alert.id,
    account_id: alert.accountId,
    kind: alert.kind,
    severity: alert.severity,
    title: message.title,
    text: message.lines.join('\n'),
    details: alert.details,
    created_at: alert.createdAt,
    deliveries: alert.deliveries.map((d) => ({
      sink_id: d.sinkId,
      sink_name: d.sinkName,
      sink_kind: d.sinkKind,
      status: d.status,
      attempts: d.attempts,
      next_attempt_at: d.nextAttemptAt,
      delivered_at: d.deliveredAt,
      last_error: d.lastError,
    })),
  };
}

/** The request body of a new sink, as the service takes it. */
export function sinkInput(body: z.infer<typeof a.alertSinkCreate>): AlertSinkInput {
  const common = { name: body.name, kind: body.kind, ...(body.kinds === undefined ? {} : { kinds: body.kinds }), ...(body.enabled === undefined ? {} : { enabled: body.enabled }) };
  switch (body.kind) {
    case 'webhook':
      return { ...common, url: body.url, ...(body.secret === undefined ? {} : { secret: body.secret }) };
    case 'slack':
      return { ...common, webhookUrl: body.webhook_url };
    case 'telegram':
      return { ...common, botToken: body.bot_token, chatId: body.chat_id };
  }
}

const params = z.object({ id: z.uuid() });

/** Alerts of the user's accounts with their delivery state, and the user's sinks. */
export function registerAlertRoutes(app: TypedApp, { ledger, service, access }: RouteContext): void {
  const userAccounts = async (userId: string) => new Map((await ledger.listAccounts(userId)).map((acc) => [acc.id, acc]));

  app.get('/v1/alerts', { schema: { operationId: 'listAlerts', summary: "Alerts of your accounts, newest first, with each delivery's state", querystring: a.alertQuery, response: { 200: z.object({ data: z.array(a.alert), next_cursor: z.string().nullable() }).meta({ id: 'AlertPage' }) } } }, async (request) => {
    const user = access.user(request);
    const accounts = request.query.account_id === undefined ? await userAccounts(user.id) : new Map([[request.query.account_id, await access.account(user, request.query.account_id)]]);
    const { limit, cursor, kind } = request.query;
    const listed = await selectAlerts(ledger.db, [...accounts.keys()], { limit, after: cursor === undefined ? null : decodeCursor(cursor), kind: kind ?? null });
    const last = listed.at(-1);
    return {
      data: listed.map((alert) => alertView(alert, accounts.get(alert.accountId)!)),
      next_cursor: listed.length === limit && last !== undefined ? encodeCursor(last.createdAt, last.id) : null,
    };
  });

  const findAlert = async (userId: string, alertId: string) => {
    const accounts = await userAccounts(userId);
    const [found] = await selectAlerts(ledger.db, [...accounts.keys()], { limit: 1, id: alertId });
    if (found === undefined) throw notFound('alert', alertId);
    return { alert: found, account: accounts.get(found.accountId)! };
  };

  app.get('/v1/alerts/:id', { schema: { operationId: 'getAlert', summary: 'One alert with the state of each delivery', params, response: { 200: a.alert } } }, async (request) => {
    const { alert, account } = await findAlert(access.user(request).id, request.params.id);
    return alertView(alert, account);
  });

  app.post('/v1/alerts/:id/retry', { schema: { operationId: 'retryAlert', summary: 'Queue the deliveries of an alert that gave up (failed) again, from the first attempt', params, response: { 200: a.alert } } }, async (request) => {
    const user = access.user(request);
    const { alert } = await findAlert(user.id, request.params.id);
    await requeueDeliveries(ledger.db, alert.accountId, alert.id, new Date().toISOString());
    const again = await findAlert(user.id, alert.id);
    return alertView(again.alert, again.account);
  });

  app.get('/v1/alert-sinks', { schema: { operationId: 'listAlertSinks', summary: 'Your alert sinks (secrets shown as hints only)', response: { 200: z.object({ data: z.array(a.alertSink) }) } } }, async (request) => {
    return { data: (await service.alertSinks.list(access.user(request).id)).map((sink) => alertSinkView(sink)) };
  });

  app.post('/v1/alert-sinks', { schema: { operationId: 'createAlertSink', summary: 'Add a sink: a signed webhook, a Slack incoming webhook or a Telegram chat', body: a.alertSinkCreate, response: { 201: a.alertSink } } }, async (request, reply) => {
    const { sink, generatedSecret } = await service.alertSinks.add(access.user(request).id, sinkInput(request.body));
    return reply.code(201).send(alertSinkView(sink, generatedSecret));
  });

  app.patch('/v1/alert-sinks/:id', { schema: { operationId: 'updateAlertSink', summary: "Rename a sink, turn it on or off, or change the kinds it takes", params, body: a.alertSinkUpdate, response: { 200: a.alertSink } } }, async (request) => {
    const { name, enabled, kinds } = request.body;
    const sink = await service.alertSinks.update(access.user(request).id, request.params.id, { ...(name === undefined ? {} : { name }), ...(enabled === undefined ? {} : { enabled }), ...(kinds === undefined ? {} : { kinds }) });
    return alertSinkView(sink);
  });

  app.delete('/v1/alert-sinks/:id', { schema: { operationId: 'deleteAlertSink', summary: 'Remove a sink; its deliveries not yet made are dropped', params, response: { 200: a.alertSink } } }, async (request) => {
    const user = access.user(request);
    const sink = await service.alertSinks.get(user.id, request.params.id);
    await service.alertSinks.remove(user.id, sink.id);
    return alertSinkView(sink);
  });

  app.post('/v1/alert-sinks/:id/test', { schema: { operationId: 'testAlertSink', summary: 'Send a test message to a sink now and say whether it arrived (nothing is queued)', params, response: { 200: a.alertSinkTest } } }, async (request) => {
    const { alertId, outcome } = await service.alertSinks.test(access.user(request).id, request.params.id);
    return { alert_id: alertId, delivered: outcome.ok, error: outcome.ok ? null : outcome.error };
  });
}
