import { z } from 'zod';
import { type AssetClass, instrumentCurrencies, type VenueFeeReport } from '../../domain/index.js';
import { describeIssues, isoMillis, wireDecimal, wireTimestamp } from '../wire.js';
import { cryptoPairSymbol } from './alpaca-payloads.js';

/**
 * Alpaca's fee activities (`GET /v2/account/activities?activity_types=FEE,CFEE,PTC`), parsed into
 * fee reports. Alpaca charges no commission on a fill: regulatory fees (`FEE`), pass-through charges
 * (`PTC`) and crypto fees (`CFEE`) arrive later as non-trade activities, crypto fees at the end of
 * the day. A crypto fee is taken in the asset credited (buying ETH/USD: ETH; selling it: USD).
 *
 * Alpaca documents a crypto fee as (docs.alpaca.markets/docs/crypto-fees; its own example):
 *   {"id":"20220812000000000::53be51ba-46f9-43de-b81f-576f241dc680","activity_type":"CFEE","date":"2022-08-12",
 *    "net_amount":"0","description":"Coin Pair Transaction Fee (Non USD)","symbol":"ETHUSD","qty":"-0.000195",
 *    "price":"1884.5","status":"executed"}
 * and one in USD carries it in `net_amount` ("Coin Pair Transaction Fee (USD)", `"net_amount":"-0.25"`).
 * A made-up regulatory fee of an equity sale, in the non-trade activity shape:
 *   {"id":"20261120000000000::0f9e7a52-2d0c-4c55-9d6b-7a3c1b2e4f60","activity_type":"FEE","date":"2026-11-20",
 *    "net_amount":"-0.02","description":"REG fee","symbol":"AAPL","status":"executed"}
 * A non-trade activity carries no order id in the documented shape (alpaca-trade-api's
 * `NonTradeActivities`: id, activity_type, activity_sub_type, date, created_at, net_amount, qty,
 * symbol, currency, status, ...), so such a fee is the account's: for its symbol when it names one
 * (it moves holdings, no position), else for the whole account. Regulatory fees (FEE with sub-type
 * REG, TAF, CAT, ORF, OCC) are charged as one total per account and trading day
 * (docs.alpaca.markets/docs/regulatory-fees), with `symbol: ""`: they belong to no order, and
 * Fillbook does not invent a split of them over the day's fills. An `order_id`, when present, ties a
 * fee to its order.
 */

export const alpacaFeeActivityTypes = ['FEE', 'CFEE', 'PTC'] as const;
export type AlpacaFeeActivityType = (typeof alpacaFeeActivityTypes)[number];

/** Absent, null and "" all mean "not given" in Alpaca's non-trade activities (`"symbol": ""`). */
const given = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());

const feeActivityPayload = z.object({
  id: z.string().min(1).max(180),
  activity_type: z.enum(alpacaFeeActivityTypes),
  // FEE's sub-types, as alpaca-trade-api's NonTradeActivities documents them: REG, TAF, LCT, ORF, OCC, NRC, NRV, COM, CAT.
  activity_sub_type: given(z.string().regex(/^[A-Z.]{1,20}$/)),
  // A date (`2022-08-12`), or a date at midnight (`2025-08-04T00:00:00`, as some pages write it).
  date: given(z.string().regex(/^\d{4}-\d{2}-\d{2}(T00:00:00(\.0+)?Z?)?$/)),
  transaction_time: given(wireTimestamp),
  created_at: given(wireTimestamp),
  net_amount: given(wireDecimal),
  qty: given(wireDecimal),
  symbol: given(z.string().min(1).max(64)),
  currency: given(z.string().regex(/^[A-Za-z0-9]{1,10}$/)),
  order_id: given(z.string().min(1).max(128)),
  description: given(z.string().max(500)),
  status: given(z.string()),
});

/**
 * A fee activity read; one that charged nothing (zero amounts); or why it cannot be applied (kept
 * raw by the caller, never guessed).
 */
export type AlpacaFeeParse =
  | { kind: 'fee'; report: VenueFeeReport }
  | { kind: 'nothing'; id: string }
  | { kind: 'unreadable'; id: string | null; reason: string; raw: unknown };

/** An OCC option symbol (`AAPL261218C00190000`); other symbols without a slash are equities. */
const occSymbol = /^[A-Z]{1,6}\d{6}[CP]\d{8}$/;

function instrumentOf(type: AlpacaFeeActivityType, symbol: string): { symbol: string; assetClass: AssetClass } {
  if (type === 'CFEE' || symbol.includes('/')) return { symbol: cryptoPairSymbol(symbol), assetClass: 'crypto' };
  return { symbol, assetClass: occSymbol.test(symbol) ? 'option' : 'equity' };
}

/**
 * One fee activity as a fee report. Cash (`net_amount`, USD) is paid when negative; a fee taken in
 * an asset is a negative `qty` of it. Which asset is certain only for a USD pair (its only other
 * side, USD, is cash) or when the activity names its `currency`; a fee in an asset of a pair quoted
 * in crypto (ETH/BTC) without one is unreadable rather than guessed. A pending or canceled activity
 * is unreadable too: only an executed one moved money.
 */
export function parseAlpacaFeeActivity(raw: unknown): AlpacaFeeParse {
  const parsed = feeActivityPayload.safeParse(raw);
  const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : null;
  if (!parsed.success) return { kind: 'unreadable', id, reason: `alpaca: not a fee activity: ${describeIssues(parsed.error)}`, raw };
  const a = parsed.data;
  const unreadable = (reason: string): AlpacaFeeParse => ({ kind: 'unreadable', id: a.id, reason: `alpaca: fee activity ${a.id}: ${reason}`, raw });
  if (a.status !== undefined && a.status !== 'executed') return unreadable(`status ${JSON.stringify(a.status)}: only an executed fee is applied`);
  // The day the fee is for, else when it was posted: a daily total belongs to its trading day.
  const at = a.transaction_time ?? (a.date === undefined ? a.created_at : `${a.date.slice(0, 10)}T00:00:00Z`);
  if (at === undefined) return unreadable('has no date');
  let instrument: { symbol: string; assetClass: AssetClass } | null;
  try {
    instrument = a.symbol === undefined ? null : instrumentOf(a.activity_type, a.symbol);
  } catch (e) {
    return unreadable((e as Error).message);
  }
  const base = { feeId: `alpaca:${a.id}`, venueOrderId: a.order_id ?? null, execId: null, symbol: instrument?.symbol ?? null, assetClass: instrument?.assetClass ?? null, kind: a.activity_sub_type === undefined ? a.activity_type : `${a.activity_type}/${a.activity_sub_type}`, chargedAt: isoMillis(at), raw };
  if (a.net_amount !== undefined && !a.net_amount.isZero()) return { kind: 'fee', report: { ...base, amount: a.net_amount.neg(), currency: a.currency?.toUpperCase() ?? 'USD' } };
  if (a.qty !== undefined && !a.qty.isZero()) {
    if (instrument === null) return unreadable('charges a quantity but names no symbol');
    const pair = instrumentCurrencies(instrument.symbol, instrument.assetClass, 'USD');
    const currency = a.currency?.toUpperCase() ?? (pair.quote === 'USD' ? pair.baseAsset : null);
    if (currency === null) return unreadable(`charges ${a.qty.toFixed()} of ${instrument.symbol} without saying in which of its assets`);
    return { kind: 'fee', report: { ...base, amount: a.qty.neg(), currency } };
  }
  return { kind: 'nothing', id: a.id };
}

export function parseAlpacaFeeActivities(raw: unknown): AlpacaFeeParse[] {
  if (!Array.isArray(raw)) return [{ kind: 'unreadable', id: null, reason: 'alpaca: not a list of fee activities', raw }];
  return raw.map(parseAlpacaFeeActivity);
}
