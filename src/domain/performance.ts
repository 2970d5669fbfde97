import { Decimal, priceDecimalPlaces, zero } from './decimal.js';
import { type FeesByCurrency, mergeFeesByCurrency } from './fees.js';
import type { Position } from './position.js';

export interface PerformanceMetrics {
  /**
   * The quote currency of the figures below: they are over the closed positions quoted in it, so no
   * sum mixes currencies. Positions quoted in other currencies are in `realizedPnlByCurrency`.
   */
  currency: string;
  closedPositions: number;
  wins: number;
  losses: number;
  /** Wins / closed positions; null with no closed position. */
  winRate: Decimal | null;
  /** Gross profit / gross loss; null when nothing was lost. */
  profitFactor: Decimal | null;
  avgWin: Decimal | null;
  avgLoss: Decimal | null;
  /** Mean realized P&L per closed position. */
  expectancy: Decimal | null;
  /** Fees paid in `currency`: the ones `realizedPnl` is net of. */
  totalFees: Decimal;
  /** Net of the fees paid in `currency` only. */
  realizedPnl: Decimal;
  /** Largest fall of the realized equity curve from a previous peak (a positive amount). */
  maxDrawdown: Decimal;
  equityCurve: { at: string; equity: Decimal }[];
  /** Every closed position's fees, per currency (the quote's and all others, never converted). */
  feesByCurrency: FeesByCurrency;
  /** Realized P&L of the closed positions per quote currency, each net of its own quote fees. */
  realizedPnlByCurrency: Readonly<Record<string, Decimal>>;
}

const ratio = (a: Decimal, b: Decimal) => a.div(b).toDecimalPlaces(priceDecimalPlaces, Decimal.ROUND_HALF_EVEN);
const isClosed = (p: Position) => p.status === 'closed' && p.closedAt !== null;

/**
 * The currency an account's metrics are reported in when the caller names none: the account's own
 * when any closed position is quoted in it, else the quote currency most closed positions share
 * (ties alphabetical), else the account's.
 */
export function reportingCurrency(positions: readonly Position[], accountCurrency: string): string {
  const counts = new Map<string, number>();
  for (const p of positions.filter(isClosed)) counts.set(p.quoteCurrency, (counts.get(p.quoteCurrency) ?? 0) + 1);
  const own = accountCurrency.toUpperCase();
  if (counts.has(own) || counts.size === 0) return own;
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}

/**
 * Metrics over the closed positions quoted in `currency`, in the order they closed. A P&L of
 * exactly zero counts as neither win nor loss.
 */
export function performanceMetrics(positions: readonly Position[], currency: string): PerformanceMetrics {
  const allClosed = positions.filter(isClosed);
  const closed = allClosed
    .filter((p) => p.quoteCurrency === currency.toUpperCase())
    .sort((a, b) => (a.closedAt! < b.closedAt! ? -1 : a.closedAt! > b.closedAt! ? 1 : a.id < b.id ? -1 : 1));
  const wins = closed.filter((p) => p.realizedPnl.gt(0));
  const losses = closed.filter((p) => p.realizedPnl.lt(0));
  const grossProfit = wins.reduce((s, p) => s.plus(p.realizedPnl), zero);
  const grossLoss = losses.reduce((s, p) => s.plus(p.realizedPnl.abs()), zero);
  const realizedPnl = closed.reduce((s, p) => s.plus(p.realizedPnl), zero);
  let equity = zero;
  let peak = zero;
  let maxDrawdown = zero;
  const equityCurve = closed.map((p) => {
    equity = equity.plus(p.realizedPnl);
    peak = Decimal.max(peak, equity);
    maxDrawdown = Decimal.max(maxDrawdown, peak.minus(equity));
    return { at: p.closedAt!, equity };
  });
  const pnlByCurrency: Record<string, Decimal> = {};
  for (const p of [...allClosed].sort((a, b) => (a.quoteCurrency < b.quoteCurrency ? -1 : a.quoteCurrency > b.quoteCurrency ? 1 : 0))) {
    pnlByCurrency[p.quoteCurrency] = (pnlByCurrency[p.quoteCurrency] ?? zero).plus(p.realizedPnl);
  }
  return {
    currency: currency.toUpperCase(),
    closedPositions: closed.length,
    wins: wins.length,
    losses: losses.length,
    winRate: closed.length === 0 ? null : ratio(new Decimal(wins.length), new Decimal(closed.length)),
    profitFactor: grossLoss.isZero() ? null : ratio(grossProfit, grossLoss),
    avgWin: wins.length === 0 ? null : ratio(grossProfit, new Decimal(wins.length)),
    avgLoss: losses.length === 0 ? null : ratio(grossLoss.neg(), new Decimal(losses.length)),
    expectancy: closed.length === 0 ? null : ratio(realizedPnl, new Decimal(closed.length)),
    totalFees: closed.reduce((s, p) => s.plus(p.fees), zero),
    realizedPnl,
    maxDrawdown,
    equityCurve,
    feesByCurrency: mergeFeesByCurrency(allClosed.map((p) => p.feesByCurrency)),
    realizedPnlByCurrency: pnlByCurrency,
  };
}
