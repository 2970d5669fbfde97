import { z } from 'zod';
import { alertDeliveryStatuses, alertKinds, alertSeverities, alertSinkKinds } from '../domain/index.js';
import { pageLimitDefault, pageLimitMax, stringCharsMax } from './schemas.js';

/** The shapes of alerts and their sinks (issue 14): kept apart from schemas.ts, which they only borrow limits from. */

export const alertKind = z.enum(alertKinds).meta({ id: 'AlertKind' });
export const alertSeverity = z.enum(alertSeverities).meta({ id: 'AlertSeverity' });
export const alertSinkKind = z.enum(alertSinkKinds).meta({ id: 'AlertSinkKind' });
export const alertDeliveryStatus = z.enum(alertDeliveryStatuses).meta({ id: 'AlertDeliveryStatus' });

const name = z.string().min(1).max(200);
const kinds = z.array(alertKind).min(1).max(alertKinds.length).nullable().optional().describe('the alert kinds this sink takes; null or absent: every kind');
const enabled = z.boolean().optional().describe('default true');
const url = z.string().min(1).max(2_000);

export const webhookSinkCreate = z.strictObject({
  kind: z.literal('webhook'),
  name,
  url: url.describe('where each alert is POSTed as JSON, signed (fillbook-signature) with the secret'),
  secret: z.string().min(16).max(200).optional().describe('the signing secret; one is made when absent and shown once in the answer'),
  kinds,
  enabled,
}).meta({ id: 'WebhookSinkCreate' });

export const slackSinkCreate = z.strictObject({
  kind: z.literal('slack'),
  name,
  webhook_url: url.describe('the Slack incoming-webhook URL (https://hooks.slack.com/services/…); a secret: never shown again'),
  kinds,
  enabled,
}).meta({ id: 'SlackSinkCreate' });

export const telegramSinkCreate = z.strictObject({
  kind: z.literal('telegram'),
  name,
  bot_token: z.string().min(1).max(200).describe("the bot's token from BotFather; a secret: never shown again"),
  chat_id: z.string().min(1).max(100).describe('the chat to send to: a numeric id (-100…) or a channel @username'),
  kinds,
  enabled,
}).meta({ id: 'TelegramSinkCreate' });

export const alertSinkCreate = z.discriminatedUnion('kind', [webhookSinkCreate, slackSinkCreate, telegramSinkCreate]).meta({ id: 'AlertSinkCreate' });

export const alertSinkUpdate = z.strictObject({ name: name.optional(), enabled: z.boolean().optional(), kinds }).meta({ id: 'AlertSinkUpdate' });

export const alertSink = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: alertSinkKind,
  enabled: z.boolean(),
  kinds: z.array(alertKind).nullable(),
  url: z.string().nullable().describe("a webhook's URL; null for the others (a Slack URL is its secret)"),
  chat_id: z.string().nullable().describe("a Telegram sink's chat"),
  secret_hint: z.string().describe('enough of the secret to tell which one it is, never enough to use it'),
  secret: z.string().optional().describe('a webhook secret Fillbook made: shown once, when the sink is created'),
  created_at: z.string(),
}).meta({ id: 'AlertSink' });

export const alertSinkTest = z.object({
  alert_id: z.uuid().describe('the id the test message carried'),
  delivered: z.boolean(),
  error: z.string().nullable().describe("what the receiver or the network said when it was not delivered"),
}).meta({ id: 'AlertSinkTest' });

export const alertDelivery = z.object({
  sink_id: z.uuid(),
  sink_name: z.string(),
  sink_kind: alertSinkKind,
  status: alertDeliveryStatus.describe('pending (to be sent or retried), delivered (the receiver answered 2xx), failed (given up)'),
  attempts: z.number().int(),
  next_attempt_at: z.string(),
  delivered_at: z.string().nullable(),
  last_error: z.string().nullable(),
}).meta({ id: 'AlertDelivery' });

export const alert = z.object({
  id: z.uuid().describe('stable: every delivery of this alert carries it, for the receiver to deduplicate on'),
  account_id: z.uuid(),
  kind: alertKind,
  severity: alertSeverity,
  title: z.string(),
  text: z.string(),
  details: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  deliveries: z.array(alertDelivery).describe("one per sink of the account's owner that takes the kind, as the sinks were when the alert was queued"),
}).meta({ id: 'Alert' });

export const alertQuery = z.strictObject({
  account_id: z.uuid().optional(),
  kind: alertKind.optional(),
  limit: z.coerce.number().int().min(1).max(pageLimitMax).default(pageLimitDefault),
  cursor: z.string().max(stringCharsMax).optional(),
});
