import { type Decimal, decimalFromSql, decodeLegFills, decodeLegs, encodeLegFills, encodeLegs, type Fill, formatDecimal, type Order } from '../domain/index.js';

/** Maps between order and fill rows (snake_case, numerics as strings) and the domain types. */
export type Row = Record<string, unknown>;

const isoOrNull = (value: unknown) => (value === null || value === undefined ? null : toIso(value));
const decimalOrNull = (value: unknown) => (value === null || value === undefined ? null : decimalFromSql(value as string));
const sqlDecimal = (value: Decimal | null) => (value === null ? null : formatDecimal(value));

export function toIso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(value as string).toISOString();
}

export const orderColumns = [
  'account_id', 'id', 'client_order_id', 'broker_order_id', 'position_id', 'role', 'origin', 'sent_by', 'symbol', 'asset_class',
  'side', 'type', 'time_in_force', 'quantity', 'limit_price', 'stop_price', 'status', 'status_reason', 'qty_filled',
  'qty_remaining', 'filled_notional', 'avg_fill_price', 'fees', 'fee_currency', 'version', 'created_at',
  'submitted_at', 'accepted_at', 'first_fill_at', 'last_fill_at', 'completed_at', 'canceled_at',
  'last_status_check_at', 'updated_at', 'first_failed_at', 'last_retry_at', 'retry_count', 'amended_at', 'detected_at',
  'legs', 'leg_fills',
] as const;

/** The SQL type of each order column, for statements that pass orders as typed JSON records (`jsonb_to_recordset`). */
export const orderColumnTypes = {
  account_id: 'uuid', id: 'uuid', client_order_id: 'text', broker_order_id: 'text', position_id: 'uuid', role: 'text', origin: 'text',
  sent_by: 'text', symbol: 'text', asset_class: 'text', side: 'text', type: 'text', time_in_force: 'text', quantity: 'numeric',
  limit_price: 'numeric', stop_price: 'numeric', status: 'text', status_reason: 'text', qty_filled: 'numeric', qty_remaining: 'numeric',
  filled_notional: 'numeric', avg_fill_price: 'numeric', fees: 'numeric', fee_currency: 'text', version: 'integer',
  created_at: 'timestamptz', submitted_at: 'timestamptz', accepted_at: 'timestamptz', first_fill_at: 'timestamptz',
  last_fill_at: 'timestamptz', completed_at: 'timestamptz', canceled_at: 'timestamptz', last_status_check_at: 'timestamptz',
  updated_at: 'timestamptz', first_failed_at: 'timestamptz', last_retry_at: 'timestamptz', retry_count: 'integer',
  amended_at: 'timestamptz', detected_at: 'timestamptz', legs: 'jsonb', leg_fills: 'jsonb',
} as const satisfies Record<(typeof orderColumns)[number], string>;

/** jsonb parameters travel as JSON text. */
const jsonOrNull = (value: unknown[] | null) => (value === null ? null : JSON.stringify(value));

/** Column values in `orderColumns` order. */
export function orderValues(o: Order): unknown[] {
  return [
    o.accountId, o.id, o.clientOrderId, o.brokerOrderId, o.positionId, o.role, o.origin, o.sentBy, o.symbol, o.assetClass,
    o.side, o.type, o.timeInForce, formatDecimal(o.quantity), sqlDecimal(o.limitPrice), sqlDecimal(o.stopPrice),
    o.status, o.statusReason, formatDecimal(o.qtyFilled), formatDecimal(o.qtyRemaining),
    formatDecimal(o.filledNotional), sqlDecimal(o.avgFillPrice), formatDecimal(o.fees), o.feeCurrency, o.version,
    o.createdAt, o.submittedAt, o.acceptedAt, o.firstFillAt, o.lastFillAt, o.completedAt, o.canceledAt,
    o.lastStatusCheckAt, o.updatedAt, o.firstFailedAt, o.lastRetryAt, o.retryCount, o.amendedAt, o.detectedAt,
    jsonOrNull(o.legs === null ? null : encodeLegs(o.legs)), jsonOrNull(o.legFills === null ? null : encodeLegFills(o.legFills)),
  ];
}

export function orderFromRow(r: Row): Order {
  return {
    accountId: r.account_id as string,
    id: r.id as string,
    clientOrderId: r.client_order_id as string,
    brokerOrderId: (r.broker_order_id as string | null) ?? null,
    positionId: (r.position_id as string | null) ?? null,
    role: r.role as Order['role'],
    origin: r.origin as Order['origin'],
    sentBy: r.sent_by as Order['sentBy'],
    symbol: r.symbol as string,
    assetClass: r.asset_class as Order['assetClass'],
    side: r.side as Order['side'],
    type: r.type as Order['type'],
    timeInForce: r.time_in_force as Order['timeInForce'],
    quantity: decimalFromSql(r.quantity as string),
    limitPrice: decimalOrNull(r.limit_price),
    stopPrice: decimalOrNull(r.stop_price),
    legs: decodeLegs(r.legs),
    status: r.status as Order['status'],
    statusReason: (r.status_reason as string | null) ?? null,
    qtyFilled: decimalFromSql(r.qty_filled as string),
    qtyRemaining: decimalFromSql(r.qty_remaining as string),
    filledNotional: decimalFromSql(r.filled_notional as string),
    avgFillPrice: decimalOrNull(r.avg_fill_price),
    legFills: decodeLegFills(r.leg_fills),
    fees: decimalFromSql(r.fees as string),
    feeCurrency: (r.fee_currency as string | null) ?? null,
    version: Number(r.version),
    createdAt: toIso(r.created_at),
    submittedAt: isoOrNull(r.submitted_at),
    acceptedAt: isoOrNull(r.accepted_at),
    firstFillAt: isoOrNull(r.first_fill_at),
    lastFillAt: isoOrNull(r.last_fill_at),
    completedAt: isoOrNull(r.completed_at),
    canceledAt: isoOrNull(r.canceled_at),
    lastStatusCheckAt: isoOrNull(r.last_status_check_at),
    updatedAt: toIso(r.updated_at),
    firstFailedAt: isoOrNull(r.first_failed_at),
    lastRetryAt: isoOrNull(r.last_retry_at),
    retryCount: Number(r.retry_count),
    amendedAt: isoOrNull(r.amended_at),
    detectedAt: isoOrNull(r.detected_at),
  };
}

export const fillColumns = [
  'account_id', 'id', 'order_id', 'exec_id', 'quantity', 'price', 'fee', 'fee_currency', 'liquidity', 'executed_at',
  'received_at', 'source', 'leg',
] as const;

export function fillFromRow(r: Row): Fill {
  return {
    accountId: r.account_id as string,
    id: r.id as string,
    orderId: r.order_id as string,
    execId: r.exec_id as string,
    leg: r.leg === null || r.leg === undefined ? null : Number(r.leg),
    quantity: decimalFromSql(r.quantity as string),
    price: decimalFromSql(r.price as string),
    fee: decimalFromSql(r.fee as string),
    feeCurrency: (r.fee_currency as string | null) ?? null,
    liquidity: (r.liquidity as Fill['liquidity']) ?? null,
    executedAt: toIso(r.executed_at),
    receivedAt: toIso(r.received_at),
    source: r.source as Fill['source'],
  };
}

export function placeholders(count: number, from = 1): string {
  return Array.from({ length: count }, (_, i) => `$${i + from}`).join(', ');
}
