import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { type Decimal, derivePosition, FillbookError, formatDecimal, type Position } from '../domain/index.js';
import type { Account } from '../ledger/index.js';
import {
  countFills,
  countOrderExport,
  countTradeCandidates,
  type Database,
  type ExportedOrder,
  type ListedFill,
  selectFillPage,
  selectOrderExportPage,
  selectPositionFills,
  selectPositionOrders,
  selectRecordedFees,
  selectTradeCandidatePage,
} from '../storage/index.js';

/**
 * CSV exports of an account's fills, orders and closed trades. Rows are read in keyset pages of
 * `exportPageRowsMax` and written as they are read: a reader that stops reading stops the reads
 * (the stream's backpressure), and nothing holds more than a page.
 */
export const exportKinds = ['fills', 'orders', 'trades'] as const;
export type ExportKind = (typeof exportKinds)[number];

export const exportPageRowsMax = 500;
/** An export larger than this is refused before it starts: narrow it with since/until. */
export const exportRowsMax = 5_000_000;
const exportPagesMax = Math.ceil(exportRowsMax / exportPageRowsMax) + 1;

export interface ExportRequest {
  kind: ExportKind;
  account: Account;
  /** Inclusive lower bound (fills: executed, orders: created, trades: closed), ISO 8601. */
  since: string | null;
  /** Exclusive upper bound, ISO 8601. */
  until: string | null;
}

/** The columns of each export, in order; documented in the README. */
export const exportColumns = {
  fills: [
    'time', 'account_id', 'venue', 'symbol', 'asset_class', 'side', 'quantity', 'price', 'fee', 'fee_currency', 'exec_id',
    'order_id', 'client_order_id', 'broker_order_id', 'role', 'position_id', 'signal_id', 'leg', 'liquidity', 'received_at',
  ],
  orders: [
    'time', 'account_id', 'venue', 'symbol', 'asset_class', 'side', 'type', 'time_in_force', 'quantity', 'limit_price',
    'stop_price', 'status', 'status_reason', 'qty_filled', 'avg_fill_price', 'fees', 'fee_currency', 'order_id',
    'client_order_id', 'broker_order_id', 'role', 'origin', 'sent_by', 'position_id', 'signal_id', 'submitted_at', 'first_fill_at',
    'completed_at', 'canceled_at', 'legs',
  ],
  trades: [
    'time', 'account_id', 'venue', 'symbol', 'asset_class', 'side', 'quantity', 'avg_entry_price', 'avg_exit_price',
    'realized_pnl', 'quote_currency', 'fees', 'opened_at', 'position_id', 'signal_id', 'multiplier',
  ],
} as const satisfies Record<ExportKind, readonly string[]>;

type Cell = string | number | null;

/** How many rows an export will have (trades: at most this many; some may not have closed in the window). */
export async function countExport(db: Database, r: ExportRequest): Promise<number> {
  const window = { since: r.since, until: r.until };
  if (r.kind === 'fills') return countFills(db, { accountIds: [r.account.id], ...window, symbol: null, orderId: null });
  if (r.kind === 'orders') return countOrderExport(db, { accountId: r.account.id, ...window });
  return countTradeCandidates(db, { accountId: r.account.id, ...window });
}

/** Refuses an export over `exportRowsMax` rows with a coded error, before anything is sent. */
export async function checkExportSize(db: Database, r: ExportRequest): Promise<number> {
  const rows = await countExport(db, r);
  if (rows > exportRowsMax) {
    throw new FillbookError('FILLBOOK_ERR_VALIDATION', `the export would have ${rows} rows, over ${exportRowsMax}; narrow it with since and until`, { rows, rows_max: exportRowsMax });
  }
  return rows;
}

/**
 * The export's rows, oldest first. `onRows` hears how many source rows each page consumed (for a
 * progress bar: trades count candidate positions, whether or not they closed in the window).
 */
export async function* exportRows(db: Database, r: ExportRequest, onRows: (n: number) => void = () => {}): AsyncGenerator<Cell[]> {
  let after: { at: string; id: string } | null = null;
  for (let page = 0; ; page++) {
    if (page >= exportPagesMax) throw new Error(`export of ${r.kind} for account ${r.account.id} passed ${exportPagesMax} pages`);
    const filter = { since: r.since, until: r.until, after, limit: exportPageRowsMax };
    let rows: Cell[][];
    let last: { at: string; id: string } | undefined;
    let read: number;
    if (r.kind === 'fills') {
      const fills = await selectFillPage(db, { ...filter, accountIds: [r.account.id], symbol: null, orderId: null, direction: 'asc' });
      rows = fills.map(fillRow);
      read = fills.length;
      const f = fills.at(-1);
      last = f && { at: f.keysetAt, id: f.id };
    } else if (r.kind === 'orders') {
      const orders = await selectOrderExportPage(db, { ...filter, accountId: r.account.id });
      rows = orders.map((o) => orderRow(r.account, o));
      read = orders.length;
      const o = orders.at(-1);
      last = o && { at: o.keysetAt, id: o.id };
    } else {
      const specs = await selectTradeCandidatePage(db, { ...filter, accountId: r.account.id });
      const ids = specs.map((p) => p.id);
      const [orders, fills] = ids.length === 0 ? [[], []] : [await selectPositionOrders(db, r.account.id, ids), await selectPositionFills(db, r.account.id, ids)];
      const recordedFees = orders.length === 0 ? [] : await selectRecordedFees(db, r.account.id, orders.map((o) => o.id));
      rows = [];
      for (const spec of specs) {
        const own = orders.filter((o) => o.positionId === spec.id);
        const ownIds = new Set(own.map((o) => o.id));
        // Derived as the ledger derives a position (Ledger.derivePositions), fees reported later included.
        const position = derivePosition(spec, own, fills.filter((f) => ownIds.has(f.orderId)), {
          accountCurrency: r.account.baseCurrency,
          recordedFees: recordedFees.filter((f) => f.orderId !== null && ownIds.has(f.orderId)),
        });
        if (!closedWithin(position, r)) continue;
        rows.push(tradeRow(r.account, position));
      }
      read = specs.length;
      const p = specs.at(-1);
      last = p && { at: p.keysetAt, id: p.id };
    }
    yield* rows;
    onRows(read);
    if (read < exportPageRowsMax || last === undefined) return;
    after = last;
  }
}

/** The export as a CSV byte stream (RFC 4180 quoting by csv-stringify), header first. */
export function exportCsv(db: Database, r: ExportRequest, onRows?: (n: number) => void): Readable {
  const csv = stringify({ header: true, columns: [...exportColumns[r.kind]], cast: { number: (n) => String(n) } });
  // pipeline, not pipe: a reader that goes away (a closed connection) destroys the source too, which
  // ends the page reads; an error reading a page destroys the CSV stream with it.
  return pipeline(Readable.from(exportRows(db, r, onRows)), csv, () => {});
}

/**
 * A round trip is a position that is closed: it was entered and is flat again with no entry
 * working. Its time is when it became flat (its last exit fill), which must fall in [since, until).
 */
function closedWithin(p: Position, r: ExportRequest): boolean {
  if (p.status !== 'closed' || p.closedAt === null) return false;
  const at = Date.parse(p.closedAt);
  return (r.since === null || at >= Date.parse(r.since)) && (r.until === null || at < Date.parse(r.until));
}

const dec = (d: Decimal | null) => (d === null ? null : formatDecimal(d));

/** Fees per currency, `1.3 USD; 0.02 USDT` (currencies in order); `0 <quote>` when there were none. */
function feesText(p: Position): string {
  const entries = Object.entries(p.feesByCurrency).filter(([, d]) => !d.isZero());
  if (entries.length === 0) return `0 ${p.quoteCurrency}`;
  return entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, d]) => `${formatDecimal(d)} ${c}`).join('; ');
}

function fillRow(f: ListedFill): Cell[] {
  return [
    f.executedAt, f.accountId, f.venue, f.symbol, f.assetClass, f.side, dec(f.quantity), dec(f.price), dec(f.fee), f.feeCurrency, f.execId,
    f.orderId, f.clientOrderId, f.brokerOrderId, f.role, f.positionId, f.signalId, f.leg, f.liquidity, f.receivedAt,
  ];
}

function orderRow(account: Account, o: ExportedOrder): Cell[] {
  const legs = o.legs === null ? null : o.legs.map((l) => `${l.side} ${formatDecimal(l.ratio)} ${l.symbol} (${l.assetClass})`).join('; ');
  return [
    o.createdAt, o.accountId, account.venue, o.symbol, o.assetClass, o.side, o.type, o.timeInForce, dec(o.quantity), dec(o.limitPrice),
    dec(o.stopPrice), o.status, o.statusReason, dec(o.qtyFilled), dec(o.avgFillPrice), dec(o.fees), o.feeCurrency, o.id,
    o.clientOrderId, o.brokerOrderId, o.role, o.origin, o.sentBy, o.positionId, o.signalId, o.submittedAt, o.firstFillAt,
    o.completedAt, o.canceledAt, legs,
  ];
}

function tradeRow(account: Account, p: Position): Cell[] {
  return [
    p.closedAt, p.accountId, account.venue, p.symbol, p.assetClass, p.side, dec(p.qtyEntered), dec(p.avgEntryPrice), dec(p.avgExitPrice),
    dec(p.realizedPnl), p.quoteCurrency, feesText(p), p.openedAt, p.id, p.signalId, dec(p.multiplier),
  ];
}
