import { type Decimal, zero } from './decimal.js';
import type { AssetClass, EventSource } from './vocabulary.js';

/**
 * Fees in every currency. A fee is money in its own currency: fees of different currencies are
 * never added together. Every figure that must be one number (realized P&L, the `fees` field) takes
 * only the fees paid in the instrument's quote currency; the others are kept beside it, per
 * currency (`feesByCurrency`).
 */

/** Per currency, the sum of the fees paid in it; currencies upper case, zero totals left out. */
export type FeesByCurrency = Readonly<Record<string, Decimal>>;

/** One fee: what a fill states, or a fee the venue reported later as its own record. */
export interface FeeCharge {
  amount: Decimal;
  /** Null when the venue did not say: read as the instrument's quote currency (see `feeCurrencyOf`). */
  currency: string | null;
}

/**
 * A fee reported apart from the fill it belongs to (Alpaca's `FEE`/`CFEE` activities). Append-only,
 * unique per account by `feeId`. It belongs to an order when the venue says which one (`orderId`),
 * to one of its fills when it also names the execution (`execId`); a fee the venue ties to neither
 * is the account's, for the instrument it names: it moves holdings but no position.
 */
export interface RecordedFee {
  accountId: string;
  feeId: string;
  orderId: string | null;
  execId: string | null;
  /**
   * The instrument it is for; null for a fee of the whole account that names none (Alpaca's daily
   * regulatory fee totals), which moves no holding and no position.
   */
  symbol: string | null;
  assetClass: AssetClass | null;
  amount: Decimal;
  currency: string;
  /** The venue's word for it (`CFEE`, `FEE`, `PTC`, `REG fee`): shown, never interpreted. */
  kind: string | null;
  source: EventSource;
  /** When the venue charged it (for a fee that posts at the end of the day, that day). */
  chargedAt: string;
  recordedAt: string;
}

/**
 * A fee as a venue reports it apart from the fill, parsed at the adapter's edge (see
 * src/venues/alpaca/alpaca-fees.ts); `Ledger.applyVenueFee` records it.
 */
export interface VenueFeeReport {
  /** The venue's id for the fee, prefixed with the venue (`alpaca:<activity id>`): unique per account. */
  feeId: string;
  /** The venue's order id, when the venue ties the fee to an order. */
  venueOrderId: string | null;
  /** The fill's exec id, when the venue ties the fee to one execution. */
  execId: string | null;
  /** The instrument the fee is for (the pair in Fillbook's slash form); null when the venue names none. */
  symbol: string | null;
  assetClass: AssetClass | null;
  /** Positive: paid; negative: a rebate or a refund. */
  amount: Decimal;
  currency: string;
  kind: string;
  chargedAt: string;
  /** What the venue sent, kept whole. */
  raw: unknown;
}

/** The currencies an instrument's money comes in. */
export interface InstrumentCurrencies {
  /** What its prices and its P&L are in: the currency a fee must be in to count in realized P&L. */
  quote: string;
  /**
   * The asset a spot trade delivers (BTC in `BTC/USDT`): a fee taken in it reduces the quantity
   * received. Null for anything that is not a spot currency pair (shares, options, contracts).
   */
  baseAsset: string | null;
}

/** `BASE/QUOTE` for spot, `BASE/QUOTE:SETTLE` for a ccxt derivative (linear or inverse). */
const pairPattern = /^([A-Z0-9]{1,20})\/([A-Z0-9]{1,20})(?::([A-Z0-9]{1,20}))?$/;

/**
 * The quote currency and base asset of an instrument. A crypto or futures symbol written as a
 * pair carries them: `BTC/USDT` is quoted in USDT and delivers BTC; a derivative `BTC/USDT:USDT`
 * (or the inverse `BTC/USD:BTC`) settles its P&L and fees in the currency after the colon and
 * delivers no asset. Everything else (equities, options, a symbol without a slash) is quoted in
 * the account's base currency. Storage applies the same rule in SQL (`baseAssetSql` in
 * reconciliation-store.ts); a test holds the two together.
 */
export function instrumentCurrencies(symbol: string, assetClass: AssetClass, accountCurrency: string): InstrumentCurrencies {
  const pair = assetClass === 'crypto' || assetClass === 'future' ? pairPattern.exec(symbol.toUpperCase()) : null;
  if (pair === null) return { quote: accountCurrency.toUpperCase(), baseAsset: null };
  const [, base, quote, settle] = pair;
  return settle === undefined ? { quote: quote!, baseAsset: base! } : { quote: settle, baseAsset: null };
}

/** The base asset of a spot pair (`BTC` of `BTC/USDT`), or null: `instrumentCurrencies(…).baseAsset`. */
export function baseAssetOf(symbol: string, assetClass: AssetClass): string | null {
  // The account's currency decides only the quote of a non-pair, never a base asset.
  return instrumentCurrencies(symbol, assetClass, '').baseAsset;
}

/**
 * The currency a fee is in. A venue that states no currency (Alpaca equities, the paper venue,
 * Tradier) charges in the money the trade is in: the quote currency.
 */
export function feeCurrencyOf(fee: FeeCharge, currencies: InstrumentCurrencies): string {
  return fee.currency === null ? currencies.quote : fee.currency.toUpperCase();
}

/** Sums fees per currency, never across currencies. */
export function sumFeesByCurrency(fees: readonly FeeCharge[], currencies: InstrumentCurrencies): FeesByCurrency {
  const totals = new Map<string, Decimal>();
  for (const fee of fees) {
    const currency = feeCurrencyOf(fee, currencies);
    totals.set(currency, (totals.get(currency) ?? zero).plus(fee.amount));
  }
  return sortedNonZero(totals);
}

/** Adds totals of the same currency together; each currency stays its own. */
export function mergeFeesByCurrency(totals: readonly FeesByCurrency[]): FeesByCurrency {
  const merged = new Map<string, Decimal>();
  for (const t of totals) for (const [currency, amount] of Object.entries(t)) merged.set(currency, (merged.get(currency) ?? zero).plus(amount));
  return sortedNonZero(merged);
}

/** The fees paid in one currency (zero when none were). */
export function feesIn(totals: FeesByCurrency, currency: string): Decimal {
  return totals[currency.toUpperCase()] ?? zero;
}

/**
 * The part of a fee that leaves the holding of the base asset: the whole fee when it is in the base
 * asset of a spot pair, else nothing. Buying 1 BTC with a fee of 0.001 BTC delivers 0.999 BTC.
 */
export function baseAssetFee(fee: FeeCharge, currencies: InstrumentCurrencies): Decimal {
  return currencies.baseAsset !== null && fee.currency !== null && fee.currency.toUpperCase() === currencies.baseAsset ? fee.amount : zero;
}

function sortedNonZero(totals: ReadonlyMap<string, Decimal>): FeesByCurrency {
  const out: Record<string, Decimal> = {};
  for (const currency of [...totals.keys()].sort()) {
    const amount = totals.get(currency)!;
    if (!amount.isZero()) out[currency] = amount;
  }
  return out;
}
