import { Decimal, priceDecimalPlaces, zero } from './decimal.js';
import type { Position } from './position.js';

export interface PerformanceMetrics {
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
  totalFees: Decimal;
  realizedPnl: Decimal;
  /** Largest fall of the realized equity curve from a previous peak (a positive amount). */
  maxDrawdown: Decimal;
  equityCurve: { at: string; equity: Decimal }[];
}

const ratio = (a: Decimal, b: Decimal) => a.div(b).toDecimalPlaces(priceDecimalPlaces, Decimal.ROUND_HALF_EVEN);

/** Metrics over closed positions, in the order they closed. A P&L of exactly zero counts as neither win nor loss. */
export function performanceMetrics(positions: readonly Position[]): PerformanceMetrics {
  const closed = positions
    .filter((p) => p.status === 'closed' && p.closedAt !== null)
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
  return {
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
  };
}
