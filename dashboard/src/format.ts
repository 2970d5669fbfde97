import type { Order, OrderEvent } from './api';

/**
 * Formatting for people: times in the browser's time zone and locale, decimals formatted from their
 * exact strings (Intl.NumberFormat formats a decimal string without going through a binary float),
 * and order states as sentences ("partially filled 5/10 at 2.50").
 */

export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const dayWithYearFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const dayKeyFormat = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });

const sameDay = (a: Date, b: Date) => dayKeyFormat.format(a) === dayKeyFormat.format(b);

/** "10:30:15" */
export function clock(iso: string): string {
  return clockFormat.format(new Date(iso));
}

/**
 * "10:30:15" today, "Nov 20, 10:30:15" another day this year, "Nov 20, 2025, 10:30:15" before.
 * `dated` shows the day even today: in a list that spans days, a bare time would read as today's.
 */
export function when(iso: string | null | undefined, dated = false): string {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  const now = new Date();
  if (!dated && sameDay(date, now)) return clock(iso);
  const day = date.getFullYear() === now.getFullYear() ? dayFormat : dayWithYearFormat;
  return `${day.format(date)}, ${clock(iso)}`;
}

/** Whether the times fall on more than one day (in the user's zone): then a list shows each one's date. */
export function spansDays(isos: ReadonlyArray<string | null | undefined>): boolean {
  const days = new Set(isos.filter((t): t is string => typeof t === 'string').map((t) => dayKeyFormat.format(new Date(t))));
  return days.size > 1;
}

/** "at 10:30:15" today, "on Nov 20 at 10:30:15" another day. */
export function atPhrase(iso: string): string {
  const date = new Date(iso);
  if (sameDay(date, new Date())) return `at ${clock(iso)}`;
  const day = date.getFullYear() === new Date().getFullYear() ? dayFormat : dayWithYearFormat;
  return `on ${day.format(date)} at ${clock(iso)}`;
}

/** The full date and time with the zone, for a tooltip. */
export function fullTime(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' }).format(new Date(iso));
}

type NumberLike = number | bigint | `${number}`;
const fmt = (options: Intl.NumberFormatOptions) => {
  const f = new Intl.NumberFormat(undefined, options);
  return (value: string) => f.format(value as NumberLike);
};
const quantityFormat = fmt({ maximumFractionDigits: 12 });
const priceFormat = fmt({ minimumFractionDigits: 2, maximumFractionDigits: 6 });
const moneyFormat = fmt({ minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'auto' });
const percentFormat = fmt({ style: 'percent', maximumFractionDigits: 1 });
const ratioFormat = fmt({ maximumFractionDigits: 2 });

export const quantity = (value: string) => quantityFormat(value);
export const price = (value: string | null | undefined) => (value === null || value === undefined ? '—' : priceFormat(value));
export const money = (value: string | null | undefined) => (value === null || value === undefined ? '—' : moneyFormat(value));
export const percent = (value: string | null | undefined) => (value === null || value === undefined ? '—' : percentFormat(value));
export const ratio = (value: string | null | undefined) => (value === null || value === undefined ? '—' : ratioFormat(value));
export const isNegative = (value: string | null | undefined) => value !== null && value !== undefined && value.startsWith('-');
export const isPositive = (value: string | null | undefined) => value !== null && value !== undefined && !value.startsWith('-') && /[1-9]/.test(value);

/** Snake case to words: "partially_filled" → "partially filled". */
export const words = (value: string) => value.replaceAll('_', ' ');

/** A multi-leg order: an option spread, counted in units. */
export const isSpread = (o: Pick<Order, 'legs'>) => Array.isArray(o.legs) && o.legs.length > 0;

/** "Buy 10 AAPL limit 2.50", "Sell 20 INTC stop 27.00", "Buy 2 SPY 2-leg spread limit 3.00 net". */
export function orderTitle(o: Pick<Order, 'side' | 'quantity' | 'symbol' | 'type' | 'limit_price' | 'stop_price'> & { legs?: Order['legs'] }): string {
  const spread = isSpread({ legs: o.legs ?? null });
  const parts = [o.side === 'buy' ? 'Buy' : 'Sell', quantity(o.quantity), o.symbol];
  if (spread) parts.push(`${o.legs!.length}-leg spread`);
  parts.push(words(o.type));
  if (o.type === 'stop' || o.type === 'stop_limit') parts.push(price(o.stop_price));
  if (o.type === 'limit' || o.type === 'stop_limit') parts.push(`${o.type === 'stop_limit' ? 'limit ' : ''}${price(o.limit_price)}${spread ? ' net' : ''}`);
  return parts.join(' ');
}

/** Who sends the order to the venue: Fillbook (`submit: true`) or the bot itself (`submit: false`, or adopted). */
export const senderName = (sender: Order['sent_by']) => (sender === 'fillbook' ? 'Fillbook' : 'the bot');

/** "leg 1: SPY 261218C00100000 (buy)" for a leg fill; null for a single-instrument order's fill. */
export function legName(o: Pick<Order, 'legs'>, leg: number | null): string | null {
  if (leg === null) return null;
  const l = o.legs?.[leg - 1];
  return l === undefined ? `leg ${leg}` : `leg ${leg}: ${l.symbol} (${l.side})`;
}

const quarantineKindNames: Record<string, string> = {
  conflicting_duplicate: 'a redelivery with different data',
  overfill: 'more than the order can take',
  refused_transition: "refused by the order's status",
};
export const quarantineKindName = (kind: string) => quarantineKindNames[kind] ?? words(kind);

/** What happened to the order, as a person would say it. */
export function orderSentence(o: Order): string {
  const filled = `${quantity(o.qty_filled)}/${quantity(o.quantity)}`;
  switch (o.status) {
    case 'pending_submit':
      return `recorded ${atPhrase(o.created_at)}, not sent yet`;
    case 'submitted':
      return `sent ${atPhrase(o.submitted_at ?? o.created_at)}, not acknowledged yet`;
    case 'open':
      return `placed ${atPhrase(o.accepted_at ?? o.submitted_at ?? o.created_at)}`;
    case 'partially_filled':
      return `partially filled ${filled} at ${price(o.avg_fill_price)}`;
    case 'pending_cancel':
      return `cancel requested, ${filled} filled`;
    case 'filled':
      return `filled ${filled} at avg ${price(o.avg_fill_price)}`;
    case 'canceled':
      return `canceled ${filled} filled`;
    case 'expired':
      return `expired ${filled} filled`;
    case 'replaced':
      return `replaced ${filled} filled`;
    case 'rejected':
      return `rejected: ${o.status_reason ?? 'no reason given'}`;
    case 'failed':
      return `failed to send${o.status_reason ? `: ${o.status_reason}` : ''}${o.retry_count > 0 ? ` (retried ${o.retry_count}×)` : ''}`;
  }
}

/** The tone of a status for its badge. */
export function statusTone(status: Order['status']): 'working' | 'done' | 'stopped' | 'bad' {
  if (status === 'filled') return 'done';
  if (status === 'rejected' || status === 'failed') return 'bad';
  if (status === 'canceled' || status === 'expired' || status === 'replaced') return 'stopped';
  return 'working';
}

const sources: Record<string, string> = {
  api: 'the API',
  broker_stream: 'the broker stream',
  broker_poll: 'a broker poll',
  webhook: 'a webhook',
  reconciliation: 'reconciliation',
  user: 'a user',
};
export const sourceName = (source: string) => sources[source] ?? words(source);

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/** One audit event as a sentence: "Fill of 4 at 2.45 (fee 0.50)". */
export function eventSentence(e: OrderEvent): string {
  const p = e.payload;
  const reason = str(p.reason);
  const because = reason === null ? '' : `: ${reason}`;
  switch (e.type) {
    case 'created': {
      const o = (p.order ?? {}) as Partial<Order>;
      return o.side && o.quantity && o.symbol && o.type ? `Recorded: ${orderTitle(o as Order)}` : 'Recorded';
    }
    case 'submitted':
      return `Sent to the broker${str(p.broker_order_id) ? ` (broker id ${str(p.broker_order_id)})` : ''}`;
    case 'accepted':
      return `Acknowledged by the broker${str(p.broker_order_id) ? ` (broker id ${str(p.broker_order_id)})` : ''}`;
    case 'cancel_requested':
      return 'Cancel requested';
    case 'cancel_rejected':
      return `Cancel refused${because}`;
    case 'canceled':
      return `Canceled${because}`;
    case 'rejected':
      return `Rejected${because}`;
    case 'expired':
      return 'Expired';
    case 'replaced':
      return `Replaced${because}`;
    case 'amended': {
      const changes = [
        str(p.quantity) && `quantity ${quantity(str(p.quantity)!)}`,
        str(p.limit_price) && `limit ${price(str(p.limit_price))}`,
        str(p.stop_price) && `stop ${price(str(p.stop_price))}`,
      ].filter(Boolean);
      return `Amended${changes.length > 0 ? `: ${changes.join(', ')}` : ''}`;
    }
    case 'status_checked':
      return 'Status checked at the broker';
    case 'failed':
      return `Failed to send${because}`;
    case 'retried':
      return 'Queued for another try';
    case 'filled': {
      const fill = (p.fill ?? {}) as { quantity?: string; price?: string; fee?: string; exec_id?: string };
      if (!fill.quantity || !fill.price) return 'Fill';
      const fee = fill.fee && /[1-9]/.test(fill.fee) ? ` (fee ${money(fill.fee)})` : '';
      return `Fill of ${quantity(fill.quantity)} at ${price(fill.price)}${fee}`;
    }
    default:
      return words(e.type);
  }
}

/** "3 s later", "2 min later": how long after `from` the ledger recorded it. */
export function lag(from: string, to: string): string | null {
  const ms = Date.parse(to) - Date.parse(from);
  if (!(Math.abs(ms) >= 1000)) return null;
  const abs = Math.abs(ms);
  const amount = abs < 60_000 ? `${Math.round(abs / 1000)} s` : abs < 3_600_000 ? `${Math.round(abs / 60_000)} min` : `${Math.round(abs / 3_600_000)} h`;
  return ms > 0 ? `${amount} later` : `${amount} earlier`;
}
