import { randomBytes } from 'node:crypto';
import {
  type AlertAccount,
  alertKinds,
  type AlertKind,
  alertMessage,
  type AlertRecord,
  alertSinkKinds,
  type AlertSinkKind,
  alertText,
  FillbookError,
  invalid,
  requireOneOf,
  requireText,
  retryableStatus,
  slackBody,
  webhookBody,
} from '../domain/index.js';
import { type AlertSinkRecord, alertSinksPerUserMax, type Database, deleteAlertSink, insertAlertSink, selectAlertSink, selectAlertSinks, updateAlertSink } from '../storage/index.js';
import { signWebhookBody } from '../venues/index.js';

/**
 * Where a user's alerts go: a signed webhook, a Slack incoming webhook, a Telegram chat. The sinks
 * are the user's (every account they own alerts to them); their secrets are kept whole in the
 * database and never shown again after they are set, only a hint.
 */

export const telegramApiBaseUrlDefault = 'https://api.telegram.org';
/** One attempt to reach a sink waits this long at most. */
export const alertRequestTimeoutMs = 10_000;
/** Bytes of a receiver's error answer kept in `last_error`. */
const errorBodyCharsMax = 300;
const urlCharsMax = 2_000;

export interface AlertSinkInput {
  name: string;
  kind: AlertSinkKind;
  /** webhook: where to POST. */
  url?: string;
  /** webhook: the signing secret (one is made when absent and shown once). */
  secret?: string;
  /** slack: the incoming-webhook URL (a secret: whoever has it can post). */
  webhookUrl?: string;
  /** telegram: the bot token and the chat to send to. */
  botToken?: string;
  chatId?: string;
  kinds?: AlertKind[] | null;
  enabled?: boolean;
}

export interface SendOptions {
  telegramApiBaseUrl?: string;
  timeoutMs?: number;
  now?: () => Date;
}

/** What one attempt came to; `retryAfterMs` when the receiver said how long to wait. */
export type SendOutcome = { ok: true } | { ok: false; retryable: boolean; error: string; retryAfterMs: number | null };

function requireHttpUrl(value: unknown, field: string): string {
  const text = requireText(value, field, urlCharsMax);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(field, 'must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(field, 'must be an http:// or https:// URL');
  if (url.username !== '' || url.password !== '') throw invalid(field, 'must not carry a user name or password');
  return url.toString();
}

/** The sink a request describes, validated: its public config and its secret. */
export function sinkFields(input: AlertSinkInput): { config: Record<string, unknown>; secret: string; generatedSecret: boolean } {
  switch (input.kind) {
    case 'webhook': {
      const url = requireHttpUrl(input.url, 'url');
      if (input.secret !== undefined && !/^[\x21-\x7e]{16,200}$/.test(input.secret)) throw invalid('secret', 'must be 16 to 200 printable characters without spaces');
      return { config: { url }, secret: input.secret ?? `whsec_${randomBytes(32).toString('base64url')}`, generatedSecret: input.secret === undefined };
    }
    case 'slack':
      return { config: {}, secret: requireHttpUrl(input.webhookUrl, 'webhook_url'), generatedSecret: false };
    case 'telegram': {
      const token = requireText(input.botToken, 'bot_token', 200);
      if (!/^\d{1,20}:[A-Za-z0-9_-]{20,120}$/.test(token)) throw invalid('bot_token', 'must be a bot token as BotFather gives it, such as 123456789:AA…');
      const chatId = requireText(input.chatId, 'chat_id', 100);
      if (!/^(-?\d{1,20}|@[A-Za-z0-9_]{5,64})$/.test(chatId)) throw invalid('chat_id', 'must be a numeric chat id (such as -1001234567890) or a channel username (@name)');
      return { config: { chat_id: chatId }, secret: token, generatedSecret: false };
    }
  }
}

/** A hint of a secret that shows which one it is, never enough to use it. */
export function secretHint(sink: Pick<AlertSinkRecord, 'kind' | 'secret'>): string {
  const tail = sink.secret.slice(-4);
  switch (sink.kind) {
    case 'webhook':
      return `${sink.secret.startsWith('whsec_') ? 'whsec_' : ''}…${tail}`;
    case 'slack': {
      try {
        return `${new URL(sink.secret).origin}/…${tail}`;
      } catch {
        return `…${tail}`;
      }
    }
    case 'telegram':
      return `${sink.secret.split(':')[0]}:…${tail}`;
  }
}

function requireKinds(kinds: AlertKind[] | null | undefined): AlertKind[] | null | undefined {
  if (kinds === undefined || kinds === null) return kinds;
  if (!Array.isArray(kinds) || kinds.length === 0) throw invalid('kinds', `must be null (every kind) or a non-empty list of ${alertKinds.join(', ')}`);
  return [...new Set(kinds.map((k) => requireOneOf(alertKinds, k, 'kinds')))];
}

function sinkNotFound(sinkId: string): FillbookError {
  return new FillbookError('FILLBOOK_ERR_NOT_FOUND', `alert sink ${sinkId} does not exist (or is not yours)`, { id: sinkId });
}

export class AlertSinks {
  constructor(
    private readonly db: Database,
    private readonly sendOptions: SendOptions = {},
  ) {}

  /** Adds a sink; the answer carries a generated webhook secret (the only time it is shown whole). */
  async add(userId: string, input: AlertSinkInput): Promise<{ sink: AlertSinkRecord; generatedSecret: string | null }> {
    const kind = requireOneOf(alertSinkKinds, input.kind, 'kind');
    const fields = sinkFields({ ...input, kind });
    const sink: AlertSinkRecord = {
      id: crypto.randomUUID(),
      userId,
      name: requireText(input.name, 'name', 200),
      kind,
      config: fields.config,
      secret: fields.secret,
      kinds: requireKinds(input.kinds) ?? null,
      enabled: input.enabled ?? true,
      createdAt: new Date().toISOString(),
    };
    if (!(await insertAlertSink(this.db, sink))) {
      throw new FillbookError('FILLBOOK_ERR_INVALID_INPUT', `a user has at most ${alertSinksPerUserMax} alert sinks; remove one first`, { field: 'kind', max: alertSinksPerUserMax });
    }
    return { sink, generatedSecret: fields.generatedSecret ? fields.secret : null };
  }

  list(userId: string): Promise<AlertSinkRecord[]> {
    return selectAlertSinks(this.db, userId);
  }

  /** The user's sink, or 404 (another user's is indistinguishable from none). */
  async get(userId: string, sinkId: string): Promise<AlertSinkRecord> {
    const sink = /^[0-9a-f-]{36}$/i.test(sinkId) ? await selectAlertSink(this.db, sinkId) : undefined;
    if (sink === undefined || sink.userId !== userId) throw sinkNotFound(sinkId);
    return sink;
  }

  async update(userId: string, sinkId: string, change: { name?: string; enabled?: boolean; kinds?: AlertKind[] | null }): Promise<AlertSinkRecord> {
    await this.get(userId, sinkId);
    const updated = await updateAlertSink(this.db, sinkId, {
      ...(change.name === undefined ? {} : { name: requireText(change.name, 'name', 200) }),
      ...(change.enabled === undefined ? {} : { enabled: change.enabled }),
      ...(change.kinds === undefined ? {} : { kinds: requireKinds(change.kinds) ?? null }),
    });
    if (updated === undefined) throw sinkNotFound(sinkId);
    return updated;
  }

  async remove(userId: string, sinkId: string): Promise<void> {
    await this.get(userId, sinkId);
    if (!(await deleteAlertSink(this.db, sinkId))) throw sinkNotFound(sinkId);
  }

  /**
   * Sends a test message to the sink now, once, and says how it went: nothing is queued or kept, so
   * a test never shows among the alerts. It carries an alert id of its own and `test: true`.
   */
  async test(userId: string, sinkId: string): Promise<{ alertId: string; outcome: SendOutcome }> {
    const sink = await this.get(userId, sinkId);
    const now = (this.sendOptions.now ?? (() => new Date()))();
    const alert: AlertRecord = {
      id: crypto.randomUUID(),
      accountId: '00000000-0000-0000-0000-000000000000',
      kind: 'stream_up',
      severity: 'info',
      dedupeKey: 'test',
      details: {},
      createdAt: now.toISOString(),
    };
    const outcome = await sendAlert(sink, alert, { name: 'test', venue: 'none' }, this.sendOptions, { title: `Fillbook test message for sink "${sink.name}"`, lines: ['If you can read this, alerts reach this sink.'] });
    return { alertId: alert.id, outcome };
  }
}

/** The headers Fillbook's alert webhook carries: the alert's id and the signature over it and the body. */
export const alertIdHeader = 'fillbook-alert-id';
export const alertSignatureHeader = 'fillbook-signature';

/**
 * One attempt to deliver an alert to a sink. Never throws for what the receiver or the network does:
 * that is an outcome (retryable or not), and the error says what happened without the sink's secret
 * (a Slack URL or a Telegram token is never written into an error).
 */
export async function sendAlert(
  sink: AlertSinkRecord,
  alert: AlertRecord,
  account: AlertAccount,
  options: SendOptions = {},
  override?: { title: string; lines: string[] },
): Promise<SendOutcome> {
  const message = override ?? alertMessage(alert, account);
  const test = override !== undefined;
  let url: string;
  let body: string;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'fillbook-alerts/1' };
  switch (sink.kind) {
    case 'webhook': {
      url = String(sink.config.url);
      body = JSON.stringify(webhookBody(alert, account, message, test));
      headers[alertIdHeader] = alert.id;
      headers[alertSignatureHeader] = signWebhookBody(sink.secret, body, (options.now ?? (() => new Date()))(), alert.id);
      break;
    }
    case 'slack':
      url = sink.secret;
      body = JSON.stringify(slackBody(message, alert.severity, alert.id));
      break;
    case 'telegram':
      url = `${(options.telegramApiBaseUrl ?? telegramApiBaseUrlDefault).replace(/\/$/, '')}/bot${sink.secret}/sendMessage`;
      body = JSON.stringify({ chat_id: sink.config.chat_id, text: alertText(message, alert.severity, alert.id), disable_web_page_preview: true });
      break;
  }
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.timeout(options.timeoutMs ?? alertRequestTimeoutMs) });
  } catch (error) {
    return { ok: false, retryable: true, error: networkError(error), retryAfterMs: null };
  }
  const text = (await response.text().catch(() => '')).slice(0, 4_096);
  if (sink.kind === 'telegram') return telegramOutcome(response, text);
  if (response.ok) return { ok: true };
  return { ok: false, retryable: retryableStatus(response.status), error: `HTTP ${response.status}${text === '' ? '' : `: ${text.slice(0, errorBodyCharsMax)}`}`, retryAfterMs: retryAfterHeaderMs(response.headers.get('retry-after')) };
}

/** Telegram answers `{"ok":true,…}` or `{"ok":false,"error_code","description","parameters":{"retry_after"}}`. */
function telegramOutcome(response: Response, text: string): SendOutcome {
  let answer: { ok?: unknown; error_code?: unknown; description?: unknown; parameters?: { retry_after?: unknown } } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    // not JSON: judged by the status below
  }
  if (response.ok && answer.ok === true) return { ok: true };
  const code = typeof answer.error_code === 'number' ? answer.error_code : response.status;
  const retryAfter = typeof answer.parameters?.retry_after === 'number' ? answer.parameters.retry_after * 1000 : retryAfterHeaderMs(response.headers.get('retry-after'));
  const description = typeof answer.description === 'string' ? answer.description : text.slice(0, errorBodyCharsMax);
  return { ok: false, retryable: retryableStatus(code) || (response.ok && answer.ok !== true), error: `Telegram ${code}: ${description.slice(0, errorBodyCharsMax)}`, retryAfterMs: retryAfter };
}

function retryAfterHeaderMs(value: string | null): number | null {
  if (value === null) return null;
  if (/^\d{1,7}$/.test(value.trim())) return Number.parseInt(value, 10) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** A network failure in words, from its cause's code (the URL, which may hold a secret, is left out). */
function networkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'no answer in time (timeout)';
  if (typeof cause?.code === 'string') return `could not reach the sink (${cause.code})`;
  return `could not reach the sink (${error instanceof Error ? error.message : String(error)})`;
}
