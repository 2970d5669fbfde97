import type { z } from 'zod';
import { type Decimal, type FeesByCurrency, type Fill, formatDecimal, type Holding, legAveragePrice, type Order, type PerformanceMetrics, type Position, type RecordedFee } from '../domain/index.js';
import type { Account, OrderDetail, OrderFees } from '../ledger/index.js';
import type { QuarantinedFill, RunRecord, StoredFinding, StoredOrderEvent } from '../storage/index.js';
import type { VenueFillReport, VenueOrderReport } from '../venues/index.js';
import type * as s from './schemas.js';

/** Domain values to their wire shapes: snake_case, decimals as strings. */
const dec = (d: Decimal) => formatDecimal(d);
const decOrNull = (d: Decimal | null) => (d === null ? null : formatDecimal(d));
const decRecord = (m: Readonly<Record<string, Decimal>>): Record<string, string> => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, formatDecimal(v)]));
const feesView = (m: FeesByCurrency) => decRecord(m);

export function accountView(a: Account, withSecret = false): z.output<typeof s.account> {
  return {
    id: a.id,
    name: a.name,
    venue: a.venue,
    base_currency: a.baseCurrency,
    venue_config: a.venueConfig,
    observe_only: a.observeOnly,
    fail_closed: a.failClosed,
    halted: a.failClosed && a.halt !== null ? { run_id: a.halt.runId, findings: a.halt.findings, halted_at: a.halt.haltedAt } : null,
    created_at: a.createdAt,
    ...(withSecret && a.webhookSecret !== null ? { webhook_secret: a.webhookSecret } : {}),
  };
}

/**
 * An order on the wire. With its fees (`Ledger.orderFees`, on reads), `fees` is the quote-currency
 * total and `fees_by_currency` every fee; without (write answers), `fees` is the fold's running sum.
 */
export function orderView(o: Order, fees?: OrderFees): z.output<typeof s.order> {
  return {
    id: o.id,
    account_id: o.accountId,
    position_id: o.positionId,
    client_order_id: o.clientOrderId,
    broker_order_id: o.brokerOrderId,
    role: o.role,
    origin: o.origin,
    sent_by: o.sentBy,
    symbol: o.symbol,
    asset_class: o.assetClass,
    side: o.side,
    type: o.type,
    time_in_force: o.timeInForce,
    quantity: dec(o.quantity),
    limit_price: decOrNull(o.limitPrice),
    stop_price: decOrNull(o.stopPrice),
    status: o.status,
    status_reason: o.statusReason,
    qty_filled: dec(o.qtyFilled),
    qty_remaining: dec(o.qtyRemaining),
    avg_fill_price: decOrNull(o.avgFillPrice),
    fees: dec(fees?.fees ?? o.fees),
    fee_currency: o.feeCurrency,
    ...(fees === undefined ? {} : { quote_currency: fees.quoteCurrency, fees_by_currency: feesView(fees.feesByCurrency) }),
    version: o.version,
    created_at: o.createdAt,
    submitted_at: o.submittedAt,
    accepted_at: o.acceptedAt,
    first_fill_at: o.firstFillAt,
    last_fill_at: o.lastFillAt,
    completed_at: o.completedAt,
    canceled_at: o.canceledAt,
    last_status_check_at: o.lastStatusCheckAt,
    updated_at: o.updatedAt,
    first_failed_at: o.firstFailedAt,
    last_retry_at: o.lastRetryAt,
    retry_count: o.retryCount,
    amended_at: o.amendedAt,
    detected_at: o.detectedAt,
    legs:
      o.legs === null
        ? null
        : o.legs.map((l, i) => ({
            symbol: l.symbol,
            asset_class: l.assetClass,
            side: l.side,
            ratio: dec(l.ratio),
            position_effect: l.positionEffect,
            qty_filled: dec(o.legFills![i]!.qtyFilled),
            avg_fill_price: decOrNull(legAveragePrice(o.legFills![i]!)),
          })),
  };
}

export function fillView(f: Fill): z.output<typeof s.fill> {
  return {
    id: f.id,
    order_id: f.orderId,
    exec_id: f.execId,
    leg: f.leg,
    quantity: dec(f.quantity),
    price: dec(f.price),
    fee: dec(f.fee),
    fee_currency: f.feeCurrency,
    liquidity: f.liquidity,
    executed_at: f.executedAt,
    received_at: f.receivedAt,
    source: f.source,
  };
}

export function eventView(e: StoredOrderEvent): z.output<typeof s.orderEvent> {
  return { seq: e.seq, type: e.type, source: e.source, at: e.at, recorded_at: e.recordedAt, payload: e.payload };
}

export function recordedFeeView(f: RecordedFee): z.output<typeof s.recordedFee> {
  return {
    fee_id: f.feeId,
    account_id: f.accountId,
    order_id: f.orderId,
    exec_id: f.execId,
    symbol: f.symbol,
    asset_class: f.assetClass,
    amount: dec(f.amount),
    currency: f.currency,
    kind: f.kind,
    source: f.source,
    charged_at: f.chargedAt,
    recorded_at: f.recordedAt,
  };
}

export function quarantinedFillView(q: QuarantinedFill): z.output<typeof s.quarantinedFill> {
  const p = q.payload;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    id: q.id,
    kind: q.kind,
    exec_id: q.execId,
    leg: typeof p.leg === 'number' ? p.leg : null,
    quantity: text(p.quantity),
    price: text(p.price),
    fee: text(p.fee),
    executed_at: text(p.executed_at),
    source: text(p.source),
    reason: q.reason,
    received_at: q.receivedAt,
  };
}

export function orderDetailView(
  d: OrderDetail,
  fees?: OrderFees,
  recorded?: readonly RecordedFee[],
  quarantined: readonly QuarantinedFill[] = [],
  fillsNextCursor: string | null = null,
): z.output<typeof s.orderDetail> {
  return {
    ...orderView(d.order, fees),
    fills: d.fills.map(fillView),
    fills_next_cursor: fillsNextCursor,
    quarantined_fills: quarantined.map(quarantinedFillView),
    events: d.events.map(eventView),
    ...(recorded === undefined ? {} : { recorded_fees: recorded.map(recordedFeeView) }),
  };
}

export function positionView(p: Position): z.output<typeof s.position> {
  return {
    id: p.id,
    account_id: p.accountId,
    signal_id: p.signalId,
    symbol: p.symbol,
    asset_class: p.assetClass,
    side: p.side,
    target_quantity: dec(p.targetQuantity),
    multiplier: dec(p.multiplier),
    status: p.status,
    qty_open: dec(p.qtyOpen),
    qty_entered: dec(p.qtyEntered),
    qty_exited: dec(p.qtyExited),
    avg_entry_price: decOrNull(p.avgEntryPrice),
    avg_exit_price: decOrNull(p.avgExitPrice),
    realized_pnl: dec(p.realizedPnl),
    fees: dec(p.fees),
    quote_currency: p.quoteCurrency,
    fees_by_currency: feesView(p.feesByCurrency),
    opened_at: p.openedAt,
    closed_at: p.closedAt,
    created_at: p.createdAt,
    legs:
      p.legs === null
        ? null
        : p.legs.map((l) => ({
            symbol: l.symbol,
            asset_class: l.assetClass,
            side: l.side,
            qty_opened: dec(l.qtyOpened),
            qty_closed: dec(l.qtyClosed),
            qty_open: dec(l.qtyOpen),
            avg_open_price: decOrNull(l.avgOpenPrice),
            avg_close_price: decOrNull(l.avgClosePrice),
            realized_pnl: dec(l.realizedPnl),
          })),
  };
}

export function holdingView(accountId: string, h: Holding): z.output<typeof s.holding> {
  return { account_id: accountId, symbol: h.symbol, asset_class: h.assetClass, net_quantity: dec(h.netQuantity), avg_cost: decOrNull(h.avgCost) };
}

export function performanceView(accountId: string, m: PerformanceMetrics): z.output<typeof s.performance> {
  return {
    account_id: accountId,
    closed_positions: m.closedPositions,
    wins: m.wins,
    losses: m.losses,
    win_rate: decOrNull(m.winRate),
    profit_factor: decOrNull(m.profitFactor),
    avg_win: decOrNull(m.avgWin),
    avg_loss: decOrNull(m.avgLoss),
    expectancy: decOrNull(m.expectancy),
    currency: m.currency,
    total_fees: dec(m.totalFees),
    realized_pnl: dec(m.realizedPnl),
    realized_pnl_by_currency: decRecord(m.realizedPnlByCurrency),
    fees_by_currency: feesView(m.feesByCurrency),
    max_drawdown: dec(m.maxDrawdown),
    equity_curve: m.equityCurve.map((p) => ({ at: p.at, equity: dec(p.equity) })),
  };
}

export function venueOrderView(r: VenueOrderReport): z.output<typeof s.venueOrder> {
  return {
    broker_order_id: r.venueOrderId,
    client_order_id: r.clientOrderId,
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    quantity: dec(r.quantity),
    filled_quantity: dec(r.filledQuantity),
    status: r.status,
  };
}

export function venueFillView(f: VenueFillReport): z.output<typeof s.venueFill> {
  return { exec_id: f.execId, broker_order_id: f.venueOrderId, quantity: dec(f.quantity), price: dec(f.price), executed_at: f.executedAt };
}

export function runView(run: RunRecord & { findings?: StoredFinding[] }): z.output<typeof s.reconciliationRun> {
  return {
    id: run.id,
    account_id: run.accountId,
    started_by: run.startedBy,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    dry_run: run.dryRun,
    actions: run.actions,
    status: run.status,
    summary: run.summary,
    error: run.error,
    ...(run.findings === undefined
      ? {}
      : {
          findings: run.findings.map((f) => ({
            seq: f.seq,
            category: f.category,
            order_id: f.orderId,
            broker_order_id: f.brokerOrderId,
            symbol: f.symbol,
            details: f.details,
            action_taken: f.actionTaken,
          })),
        }),
  };
}
