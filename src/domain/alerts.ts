import { createHash } from 'node:crypto';
import type { FindingCategory } from './reconciliation.js';

/**
 * Alerts out: what Fillbook tells its users the moment it happens (issue 14). Pure: what each alert
 * says and how it reads in a webhook, in Slack and in Telegram. Where each is queued, and how it is
 * delivered, lives in storage (alert-store.ts) and the service (alert-delivery.ts).
 */

export const alertKinds = [
  'exposure_refused',
  'fill_quarantined',
  'reconciliation_findings',
  'position_unprotected',
  'stuck_submission',
  'account_halted',
  'account_released',
  'stream_down',
  'stream_up',
  'venue_item_unparsed',
] as const;
export type AlertKind = (typeof alertKinds)[number];

export const alertSeverities = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

export const alertSinkKinds = ['webhook', 'slack', 'telegram'] as const;
export type AlertSinkKind = (typeof alertSinkKinds)[number];

export const alertDeliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type AlertDeliveryStatus = (typeof alertDeliveryStatuses)[number];

/** An alert as it is queued: what happened, how bad, and the key that makes its cause alert once. */
export interface AlertDraft {
  kind: AlertKind;
  severity: AlertSeverity;
  /** One alert per cause: queuing the same key again for the account adds nothing. */
  dedupeKey: string;
  details: Record<string, unknown>;
}

/** An alert as stored, with what a message names: the account's name and venue. */
export interface AlertRecord extends AlertDraft {
  id: string;
  accountId: string;
  createdAt: string;
}

export interface AlertAccount {
  name: string;
  venue: string;
}

/** Finding examples named in a message, per category; the counts are always whole. */
export const findingExamplesMax = 5;
/** Characters of a message's text at most: Telegram takes 4,096; the rest is cut with a note. */
export const alertTextCharsMax = 3_500;
/** Refusals of one position alert at most once in this window (a bot retrying a refused entry in a loop). */
export const exposureAlertWindowMs = 60_000;

// ---- the alerts, one builder per kind --------------------------------------------------------

/** What the exposure guard refused: an order asked for, or an event (a retry, an amendment) of an order already recorded. */
export interface RefusedSubject {
  accountId: string;
  symbol: string;
  side: string;
  clientOrderId: string | null;
  /** The order and the event the guard refused, for an event of a recorded order. */
  order?: { orderId: string; event: string };
}

/** The exposure guard refused an order (`FILLBOOK_ERR_EXPOSURE_EXCEEDED`'s details), at most once a minute per position. */
export function exposureRefusedAlert(details: Record<string, unknown>, subject: RefusedSubject, at: string): AlertDraft {
  const positionId = String(details.position_id ?? 'none');
  const window = Math.floor(Date.parse(at) / exposureAlertWindowMs);
  const refusedEvent = subject.order === undefined ? {} : { order_id: subject.order.orderId, event: subject.order.event };
  return {
    kind: 'exposure_refused',
    severity: 'warning',
    dedupeKey: `exposure_refused:${positionId}:${window}`,
    details: { ...details, symbol: subject.symbol, side: subject.side, client_order_id: subject.clientOrderId, ...refusedEvent },
  };
}

/** A finding as an alert sees it. */
export interface AlertFinding {
  category: FindingCategory;
  orderId: string | null;
  brokerOrderId: string | null;
  symbol: string | null;
  details: Record<string, unknown>;
  actionTaken: string | null;
}

export interface FindingGroup {
  category: FindingCategory;
  count: number;
  repaired: number;
  /** The first few, by what names each: an order, a venue order or a symbol. */
  examples: string[];
}

/** A run's findings grouped by category, in the order of `categories` (a count per category and a few examples). */
export function groupFindings(findings: readonly AlertFinding[], categories: readonly FindingCategory[]): FindingGroup[] {
  const groups = new Map<FindingCategory, FindingGroup>();
  for (const f of findings) {
    if (f.category === 'matched') continue;
    const group = groups.get(f.category) ?? { category: f.category, count: 0, repaired: 0, examples: [] };
    group.count++;
    if (f.actionTaken !== null) group.repaired++;
    if (group.examples.length < findingExamplesMax) group.examples.push(findingLabel(f));
    groups.set(f.category, group);
  }
  return categories.flatMap((c) => (groups.has(c) ? [groups.get(c)!] : []));
}

function findingLabel(f: AlertFinding): string {
  const who = f.orderId !== null ? `order ${f.orderId}` : f.brokerOrderId !== null ? `venue order ${f.brokerOrderId}` : f.symbol ?? 'the account';
  return f.symbol !== null && !who.includes(f.symbol) ? `${who} (${f.symbol})` : who;
}

/**
 * What a run found, as one fingerprint: the same findings (category and what each names, repaired
 * or not) give the same one. A scheduled run that finds what the previous run found says nothing new.
 */
export function findingsFingerprint(findings: readonly AlertFinding[]): string {
  const keys = findings
    .filter((f) => f.category !== 'matched')
    .map((f) => [f.category, f.orderId ?? '', f.brokerOrderId ?? '', f.symbol ?? '', f.actionTaken === null ? 'open' : 'repaired'].join('|'))
    .sort();
  return createHash('sha256').update(keys.join('\n')).digest('hex');
}

/** One message per run, grouped by category; critical when the holdings do not reconcile. */
export function reconciliationFindingsAlert(runId: string, startedBy: string, dryRun: boolean, groups: readonly FindingGroup[]): AlertDraft {
  return {
    kind: 'reconciliation_findings',
    severity: groups.some((g) => g.category === 'holding_mismatch' && g.repaired < g.count) ? 'critical' : 'warning',
    dedupeKey: `reconciliation_findings:${runId}`,
    details: { run_id: runId, started_by: startedBy, dry_run: dryRun, findings: groups.map((g) => ({ category: g.category, count: g.count, repaired: g.repaired, examples: g.examples })) },
  };
}

/** A position found open with no working stop-loss or take-profit, where the previous run found it protected. */
export function positionUnprotectedAlert(runId: string, position: { positionId: string; signalId: string | null; symbol: string | null; qtyOpen: string | null }): AlertDraft {
  return {
    kind: 'position_unprotected',
    severity: 'critical',
    dedupeKey: `position_unprotected:${position.positionId}:${runId}`,
    details: { run_id: runId, position_id: position.positionId, signal_id: position.signalId, symbol: position.symbol, qty_open: position.qtyOpen },
  };
}

/**
 * An order left unacknowledged past the stuck threshold: once per order, whoever finds it first (the
 * submission check, or reconciliation).
 */
export function stuckSubmissionAlert(order: { id: string; clientOrderId: string | null; symbol: string | null; status: string; sentBy: string | null; since: string | null }, outcome: string): AlertDraft {
  return {
    kind: 'stuck_submission',
    severity: 'warning',
    dedupeKey: `stuck_submission:${order.id}`,
    details: { order_id: order.id, client_order_id: order.clientOrderId, symbol: order.symbol, status: order.status, sent_by: order.sentBy, since: order.since, outcome },
  };
}

export function accountHaltedAlert(runId: string, findings: Record<string, number>): AlertDraft {
  return { kind: 'account_halted', severity: 'critical', dedupeKey: `account_halted:${runId}`, details: { run_id: runId, findings } };
}

export function accountReleasedAlert(runId: string, haltedAt: string, lastHaltingRunId: string): AlertDraft {
  return { kind: 'account_released', severity: 'info', dedupeKey: `account_released:${runId}`, details: { run_id: runId, halted_at: haltedAt, last_halting_run_id: lastHaltingRunId } };
}

/** A venue stream down longer than the configured time: one alert per outage. */
export function streamDownAlert(outageId: string, venue: string, downAt: string, downForMs: number, reason: string | null): AlertDraft {
  return { kind: 'stream_down', severity: 'critical', dedupeKey: `stream_down:${outageId}`, details: { outage_id: outageId, venue, down_at: downAt, down_for_ms: downForMs, reason } };
}

/** The stream of an outage that alerted is back. */
export function streamUpAlert(outageId: string, venue: string, downAt: string, upAt: string): AlertDraft {
  return { kind: 'stream_up', severity: 'info', dedupeKey: `stream_up:${outageId}`, details: { outage_id: outageId, venue, down_at: downAt, up_at: upAt, down_for_ms: Date.parse(upAt) - Date.parse(downAt) } };
}

/** A venue item its adapter could not read, the first time it is seen (later sightings only count). */
export function venueItemUnparsedAlert(item: { venue: string; kind: string; itemKey: string; venueItemId: string | null; reason: string }): AlertDraft {
  const key = createHash('sha256').update([item.venue, item.kind, item.itemKey].join('\u0000')).digest('hex');
  return {
    kind: 'venue_item_unparsed',
    severity: 'warning',
    dedupeKey: `venue_item_unparsed:${key}`,
    details: { venue: item.venue, item_kind: item.kind, venue_item_id: item.venueItemId, reason: item.reason },
  };
}

/** What the previous completed run of an account left, for the next run's alerts to compare with. */
export interface RunAlertState {
  /** `findingsFingerprint` of its findings ('' when it had none). */
  fingerprint: string;
  /** The positions it found unprotected. */
  unprotected: string[];
}

/** Unprotected positions remembered per account at most (a bound on the state kept). */
export const unprotectedRememberedMax = 10_000;

export interface RunAlertInput {
  runId: string;
  startedBy: string;
  dryRun: boolean;
  findings: readonly AlertFinding[];
  categories: readonly FindingCategory[];
  /** The account refuses entries while halted (fail closed); a halt of an account that does not is no news. */
  failClosed: boolean;
  /** The account's halt before this run, and the findings that halt it after (none: released). */
  haltBefore: { runId: string; haltedAt: string } | null;
  haltAfter: Record<string, number>;
  previous: RunAlertState | null;
}

/**
 * The alerts a completed run raises, decided from the run and what the previous run left: one
 * message with the findings grouped by category unless they are exactly the previous run's; each
 * position unprotected now that was not then; each stuck submission (once per order); the account
 * halted, or released, when that changed. Returns the state the next run compares with.
 */
export function runAlerts(input: RunAlertInput): { alerts: AlertDraft[]; state: RunAlertState } {
  const findings = input.findings.filter((f) => f.category !== 'matched');
  const fingerprint = findings.length === 0 ? '' : findingsFingerprint(findings);
  const alerts: AlertDraft[] = [];
  if (findings.length > 0 && fingerprint !== input.previous?.fingerprint) {
    alerts.push(reconciliationFindingsAlert(input.runId, input.startedBy, input.dryRun, groupFindings(findings, input.categories)));
  }
  const before = new Set(input.previous?.unprotected ?? []);
  const unprotected: string[] = [];
  for (const f of findings) {
    if (f.category !== 'unprotected_position') continue;
    const positionId = String(f.details.position_id ?? '');
    if (positionId === '') continue;
    if (unprotected.length < unprotectedRememberedMax) unprotected.push(positionId);
    if (!before.has(positionId)) {
      alerts.push(positionUnprotectedAlert(input.runId, { positionId, signalId: (f.details.signal_id as string | undefined) ?? null, symbol: f.symbol, qtyOpen: (f.details.qty_open as string | undefined) ?? null }));
    }
  }
  for (const f of findings) {
    if (f.category !== 'stuck_submission' || f.orderId === null) continue;
    const outcome = f.actionTaken ?? 'reported by reconciliation; the clear_invalid repair applies the venue\'s state, or closes it as rejected when the venue does not know it';
    alerts.push(stuckSubmissionAlert({ id: f.orderId, clientOrderId: null, symbol: f.symbol, status: String(f.details.ledger_status ?? 'stuck'), sentBy: null, since: null }, outcome));
  }
  const halted = Object.keys(input.haltAfter).length > 0;
  if (input.failClosed && halted && input.haltBefore === null) alerts.push(accountHaltedAlert(input.runId, input.haltAfter));
  if (input.failClosed && !halted && input.haltBefore !== null) alerts.push(accountReleasedAlert(input.runId, input.haltBefore.haltedAt, input.haltBefore.runId));
  return { alerts, state: { fingerprint, unprotected } };
}

// ---- how an alert reads ------------------------------------------------------------------------

export interface AlertMessage {
  title: string;
  /** Plain lines under the title. */
  lines: string[];
}

const str = (v: unknown, fallback = '?') => (v === null || v === undefined || v === '' ? fallback : String(v));

function duration(ms: unknown): string {
  const n = typeof ms === 'number' && Number.isFinite(ms) ? ms : 0;
  const s = Math.round(n / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${Math.round(m / 60)} h`;
}

/** The title and lines of an alert, for every sink. */
export function alertMessage(alert: Pick<AlertRecord, 'kind' | 'details'>, account: AlertAccount): AlertMessage {
  const d = alert.details;
  const where = `${account.name} (${account.venue})`;
  switch (alert.kind) {
    case 'exposure_refused': {
      const entry = d.role === 'entry';
      return {
        title: `Exposure refused: ${str(d.role)} ${str(d.side)} ${str(d.requested)} ${str(d.symbol)} on ${where}`,
        lines: [
          entry
            ? `Position ${str(d.position_id)}: target ${str(d.target)}, filled ${str(d.filled)}, working ${str(d.working)}; the order asked for ${str(d.requested)} more.`
            : `Position ${str(d.position_id)}: open ${str(d.open)}, working ${str(d.working)}; the order asked for ${str(d.requested)}.`,
          d.event === 'retried'
            ? `The retry of failed order ${str(d.order_id)} (client order id ${str(d.client_order_id, 'none')}) was refused: it stays failed and is not sent. Other orders took the position's room meanwhile.`
            : d.event === 'amended'
              ? `The amendment of order ${str(d.order_id)} (client order id ${str(d.client_order_id, 'none')}) was refused and not recorded.`
              : `Nothing was recorded. A bot that sends this again and again is likely missing a fill of its own (client order id ${str(d.client_order_id, 'none')}).`,
        ],
      };
    }
    case 'fill_quarantined':
      return {
        title: `Fill quarantined (${str(d.quarantine)}) on ${where}`,
        lines: [`Exec id ${str(d.exec_id)}: ${str(d.quantity)} @ ${str(d.price)} for order ${str(d.order_id, 'unknown')}.`, `${str(d.reason)}`, `It is kept, not applied: GET /v1/orders/${str(d.order_id, '{id}')} shows it.`],
      };
    case 'reconciliation_findings': {
      const groups = (Array.isArray(d.findings) ? d.findings : []) as { category: string; count: number; repaired: number; examples: string[] }[];
      const total = groups.reduce((n, g) => n + g.count, 0);
      return {
        title: `Reconciliation of ${where}: ${total} finding${total === 1 ? '' : 's'}${d.dry_run === true ? ' (dry run)' : ''}`,
        lines: [
          ...groups.map((g) => `${g.category}: ${g.count}${g.repaired > 0 ? ` (${g.repaired} repaired)` : ''} — ${g.examples.join(', ')}${g.count > g.examples.length ? ', …' : ''}`),
          `Run ${str(d.run_id)} (started by ${str(d.started_by)}): GET /v1/reconciliations/${str(d.run_id)}`,
        ],
      };
    }
    case 'position_unprotected':
      return {
        title: `Position unprotected: ${str(d.symbol)} on ${where}`,
        lines: [`Position ${str(d.position_id)} (signal ${str(d.signal_id)}) holds ${str(d.qty_open)} with no working stop-loss or take-profit.`, `Found by reconciliation ${str(d.run_id)}.`],
      };
    case 'stuck_submission':
      return {
        title: `Stuck submission: ${str(d.symbol)} order on ${where}`,
        lines: [
          `Order ${str(d.order_id)}${d.client_order_id == null ? '' : ` (client order id ${str(d.client_order_id)}${d.sent_by == null ? '' : `, sent by ${str(d.sent_by)}`})`} is still ${str(d.status)}${d.since == null ? ', unacknowledged by the venue' : ` since ${str(d.since)}`}.`,
          `${str(d.outcome)}`,
        ],
      };
    case 'account_halted': {
      const findings = Object.entries((d.findings ?? {}) as Record<string, number>).map(([c, n]) => `${n} ${c}`).join(', ');
      return {
        title: `Account halted for new entries: ${where}`,
        lines: [`Reconciliation ${str(d.run_id)} left ${findings} unresolved, so the ledger may be wrong (fail closed).`, 'Exits, stop-losses and take-profits still pass. Repair the findings and reconcile again.'],
      };
    }
    case 'account_released':
      return { title: `Account released: ${where}`, lines: [`Reconciliation ${str(d.run_id)} left nothing unresolved; new entries pass again (halted since ${str(d.halted_at)}).`] };
    case 'stream_down':
      return {
        title: `Venue stream down: ${where}`,
        lines: [`The ${str(d.venue)} stream has been down for ${duration(d.down_for_ms)} (since ${str(d.down_at)}).${d.reason === null || d.reason === undefined ? '' : ` Last error: ${str(d.reason)}`}`, 'Fillbook keeps reconnecting; when it is back, it reconciles what the stream missed.'],
      };
    case 'stream_up':
      return { title: `Venue stream back: ${where}`, lines: [`The ${str(d.venue)} stream is back after ${duration(d.down_for_ms)} down (since ${str(d.down_at)}).`] };
    case 'venue_item_unparsed':
      return {
        title: `Unreadable venue ${str(d.item_kind)} on ${where}`,
        lines: [`${str(d.venue)} sent a ${str(d.item_kind)}${d.venue_item_id === null || d.venue_item_id === undefined ? '' : ` (${str(d.venue_item_id)})`} Fillbook could not read: ${str(d.reason)}.`, 'It is kept raw: GET /v1/venue-items.'],
      };
  }
}

const severityMark: Record<AlertSeverity, string> = { info: 'ℹ️', warning: '⚠️', critical: '🚨' };

/** The message as plain text (Telegram, Slack's fallback), within `alertTextCharsMax`. */
export function alertText(message: AlertMessage, severity: AlertSeverity, alertId: string): string {
  return clip([`${severityMark[severity]} ${message.title}`, ...message.lines, `alert ${alertId}`].join('\n'));
}

function clip(text: string): string {
  if (text.length <= alertTextCharsMax) return text;
  const cut = '\n… (cut; see the API)';
  return `${text.slice(0, alertTextCharsMax - cut.length)}${cut}`;
}

/** Slack's incoming-webhook body: `text` (the notification and fallback) and Block Kit blocks. */
export function slackBody(message: AlertMessage, severity: AlertSeverity, alertId: string): Record<string, unknown> {
  const escape = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return {
    text: alertText(message, severity, alertId),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(`${severityMark[severity]} *${escape(message.title)}*\n${message.lines.map(escape).join('\n')}`) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `alert \`${alertId}\`` }] },
    ],
  };
}

/** The webhook body: the alert whole, with its message; the receiver dedupes on `id`. */
export function webhookBody(alert: AlertRecord, account: AlertAccount, message: AlertMessage, test = false): Record<string, unknown> {
  return {
    id: alert.id,
    kind: alert.kind,
    severity: alert.severity,
    account_id: alert.accountId,
    account_name: account.name,
    venue: account.venue,
    created_at: alert.createdAt,
    title: message.title,
    text: message.lines.join('\n'),
    details: alert.details,
    test,
  };
}

// ---- delivery --------------------------------------------------------------------------------

/**
 * The wait before attempt n + 1 after n failed ones: exponential from `baseMs`, at most `capMs`,
 * with equal jitter (half fixed, half random), so retries of many deliveries spread out but still
 * grow. A receiver's own wait (Retry-After, Telegram's retry_after) is honoured when longer.
 */
export function alertRetryDelayMs(failedAttempts: number, baseMs: number, capMs: number, random: () => number = Math.random, askedMs: number | null = null): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, failedAttempts - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.round(Math.max(jittered, Math.min(askedMs ?? 0, capMs)));
}

/** Whether an HTTP answer is worth another attempt: the receiver may get better (5xx, 429, 408); any other 4xx will not. */
export function retryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408 || status === 425;
}
