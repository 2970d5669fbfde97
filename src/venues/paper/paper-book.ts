import { averagePrice, type Decimal, decimalFromSql, formatDecimal, isWorking, type OrderStatus } from '../../domain/index.js';
import { ColumnInterner, isoFromUtcText, PackedFields, packedPlainSql, packedSql, packedTextSql, readCopyPages, type Database, type SqlClient, utcTextSql, uuidLiteral } from '../../storage/index.js';
import type { VenueFillReport, VenueOrderReport, VenuePlaceRequest, VenuePositionReport } from '../venue.js';

/** The paper venue's own statuses, as a broker would report them, and their Fillbook meaning. */
export const paperStatuses = ['new', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired'] as const;
export type PaperStatus = (typeof paperStatuses)[number];

const statusMap: Record<PaperStatus, OrderStatus> = {
  new: 'open',
  partially_filled: 'partially_filled',
  filled: 'filled',
  canceled: 'canceled',
  rejected: 'rejected',
  expired: 'expired',
};

export function mapPaperStatus(status: string): OrderStatus {
  const mapped = statusMap[status as PaperStatus];
  if (mapped === undefined) throw new Error(`paper venue: unknown order status ${JSON.stringify(status)}`);
  return mapped;
}

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v instanceof Date ? v : new Date(v as string)).toISOString();
const decimalOrNull = (v: unknown) => (v === null || v === undefined ? null : decimalFromSql(v as string));

function orderReport(r: Row): VenueOrderReport {
  return {
    venueOrderId: r.venue_order_id as string,
    clientOrderId: r.client_order_id as string,
    symbol: r.symbol as string,
    assetClass: r.asset_class as VenueOrderReport['assetClass'],
    side: r.side as VenueOrderReport['side'],
    type: r.type as VenueOrderReport['type'],
    timeInForce: r.time_in_force as VenueOrderReport['timeInForce'],
    quantity: decimalFromSql(r.quantity as string),
    limitPrice: decimalOrNull(r.limit_price),
    stopPrice: decimalOrNull(r.stop_price),
    legs: null,
    status: mapPaperStatus(r.status as string),
    filledQuantity: decimalFromSql(r.filled_quantity as string),
    avgFillPrice: decimalFromSql(r.filled_quantity as string).isZero() ? null : averagePrice(decimalFromSql(r.filled_notional as string), decimalFromSql(r.filled_quantity as string)),
    reason: (r.reason as string | null) ?? null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

function fillReport(r: Row): VenueFillReport {
  return {
    execId: r.exec_id as string,
    venueOrderId: r.venue_order_id as string,
    clientOrderId: r.client_order_id as string,
    leg: null,
    symbol: r.symbol as string,
    side: r.side as VenueFillReport['side'],
    quantity: decimalFromSql(r.quantity as string),
    price: decimalFromSql(r.price as string),
    fee: decimalFromSql(r.fee as string),
    feeCurrency: 'USD',
    liquidity: null,
    executedAt: iso(r.executed_at),
  };
}

/** The paper venue's SQL. Each function takes the account: the book, like the ledger, is per account. */
export async function insertPaperOrder(
  sql: SqlClient,
  accountId: string,
  venueOrderId: string,
  r: VenuePlaceRequest,
  status: PaperStatus,
  reason: string | null,
  at: string,
): Promise<VenueOrderReport | undefined> {
  const rows = await sql.query(
    `insert into paper_orders (account_id, venue_order_id, client_order_id, symbol, asset_class, side, type, time_in_force,
       quantity, limit_price, stop_price, status, filled_quantity, reason, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13, $14, $14)
     on conflict (account_id, client_order_id) do nothing returning *`,
    [
      accountId, venueOrderId, r.clientOrderId, r.symbol, r.assetClass, r.side, r.type, r.timeInForce, formatDecimal(r.quantity),
      r.limitPrice === null ? null : formatDecimal(r.limitPrice), r.stopPrice === null ? null : formatDecimal(r.stopPrice),
      status, reason, at,
    ],
  );
  return rows[0] === undefined ? undefined : orderReport(rows[0]);
}

export async function selectPaperOrder(sql: SqlClient, accountId: string, by: 'venue_order_id' | 'client_order_id', value: string, lock = false) {
  const rows = await sql.query(`select * from paper_orders where account_id = $1 and ${by} = $2 ${lock ? 'for update' : ''}`, [accountId, value]);
  return rows[0] === undefined ? undefined : orderReport(rows[0]);
}

/** Orders by many venue order ids or client order ids at once (those the book has, in no particular order). */
export async function selectPaperOrders(sql: SqlClient, accountId: string, by: 'venue_order_id' | 'client_order_id', values: readonly string[]): Promise<VenueOrderReport[]> {
  if (values.length === 0) return [];
  const rows = await sql.query(`select * from paper_orders where account_id = $1 and ${by} = any($2::text[])`, [accountId, values]);
  return rows.map(orderReport);
}

const openPageSize = 10_000;
/** An order's packed row: read by COPY as these columns, or built in SQL with the text columns escaped (`packedOrderFields`). */
const packedOrderColumns = [
  'venue_order_id', 'client_order_id', 'symbol', 'asset_class', 'side', 'type', 'time_in_force', 'quantity', 'limit_price', 'stop_price',
  'status', 'filled_quantity', 'filled_notional', 'reason', utcTextSql('created_at'), utcTextSql('updated_at'),
];
const textColumns = new Set(['venue_order_id', 'client_order_id', 'symbol', 'asset_class', 'type', 'time_in_force', 'reason']);
const packedOrderFields = packedOrderColumns.map((c) => (textColumns.has(c) ? packedTextSql(c) : packedPlainSql(c)));

/**
 * Decodes packed order rows (`packedOrderFields`, src/storage/packed-rows.ts) into reports, lean:
 * one interner per column, so a value equal to the column's previous one costs no string, and equal
 * quantities share one Decimal. The same report `orderReport` makes of a `select *` row.
 */
function packedOrderReader(): (packed: string) => VenueOrderReport {
  const [symbol, assetClass, side, type, timeInForce] = Array.from({ length: 5 }, () => new ColumnInterner((s) => s));
  const [createdAt, updatedAt] = [new ColumnInterner(isoFromUtcText), new ColumnInterner(isoFromUtcText)];
  const [quantity, limitPrice, stopPrice, filledQuantity, filledNotional] = Array.from({ length: 5 }, () => new ColumnInterner<Decimal>(decimalFromSql));
  const status = new ColumnInterner(mapPaperStatus);
  const fields = new PackedFields();
  return (packed) => {
    const f = fields.read(packed, packedOrderFields.length);
    const venueOrderId = f.text()!;
    const clientOrderId = f.text()!;
    const report = {
      venueOrderId,
      clientOrderId,
      symbol: f.interned(symbol!)!,
      assetClass: f.interned(assetClass!)! as VenueOrderReport['assetClass'],
      side: f.interned(side!)! as VenueOrderReport['side'],
      type: f.interned(type!)! as VenueOrderReport['type'],
      legs: null,
      timeInForce: f.interned(timeInForce!)! as VenueOrderReport['timeInForce'],
      quantity: f.interned(quantity!)!,
      limitPrice: f.interned(limitPrice!),
      stopPrice: f.interned(stopPrice!),
      status: f.interned(status)!,
      filledQuantity: f.interned(filledQuantity!)!,
      avgFillPrice: null as Decimal | null,
      reason: null as string | null,
      createdAt: '',
      updatedAt: '',
    };
    const notional = f.interned(filledNotional!)!;
    if (!report.filledQuantity.isZero()) report.avgFillPrice = averagePrice(notional, report.filledQuantity);
    report.reason = f.text();
    report.createdAt = f.interned(createdAt)!;
    report.updatedAt = f.interned(updatedAt)!;
    return report;
  };
}

/**
 * Open orders a page at a time, read by one COPY (one snapshot, in the table's order, streamed: the
 * server writes rows while Node decodes the ones before), each row one text (src/storage/packed-rows.ts)
 * decoded lean. With `onPage`, each page is passed to it once decoded and not kept: the list resolved
 * is then empty (`VenueAdapter.listOpenOrders`).
 *
 * Pages by keyset on the venue order id (as a broker's API pages) cost the server a third more: its
 * ids are random, so the index scan visited the table's pages in random order (bench/README.md).
 */
export async function selectOpenPaperOrders(
  db: Database,
  accountId: string,
  onPage?: (orders: readonly VenueOrderReport[]) => void,
  pageSize = openPageSize,
): Promise<VenueOrderReport[]> {
  const decode = packedOrderReader();
  const out: VenueOrderReport[] = [];
  await readCopyPages(
    db,
    `select ${packedOrderColumns.join(', ')} from paper_orders where account_id = ${uuidLiteral(accountId)} and status in ('new', 'partially_filled')`,
    pageSize,
    (rows) => {
      const page: VenueOrderReport[] = new Array<VenueOrderReport>(rows.length);
      for (let i = 0; i < rows.length; i++) page[i] = decode(rows[i]!);
      if (onPage === undefined) for (const order of page) out.push(order);
      else onPage(page);
    },
  );
  return out;
}

/** The paper statuses a broker's order history filtered to closed orders returns: every one Fillbook does not count as working. */
export const closedPaperStatuses = paperStatuses.filter((s) => !isWorking(statusMap[s]));

/**
 * Orders created or changed since a time, paged by (updated_at, venue order id) as a broker's order
 * history pages; `closedOnly`, only the closed ones (`closedPaperStatuses`), as a broker's history
 * filtered by status. Each page is one text of packed rows, decoded lean (`packedOrderReader`).
 */
export async function selectPaperOrdersSince(
  sql: SqlClient,
  accountId: string,
  since: string,
  after: { at: string; id: string } | null,
  limit: number,
  closedOnly = false,
): Promise<VenueOrderReport[]> {
  const statuses = closedOnly ? `and status in (${closedPaperStatuses.map((s) => `'${s}'`).join(', ')})` : '';
  // The first page and the later ones are two statements (see selectOpenPaperOrders: a generic plan
  // of `$3 is null or (updated_at, venue_order_id) > …` cannot start the index scan at the cursor).
  const keyset = after === null ? '' : 'and (updated_at, venue_order_id) > ($4::timestamptz, $5::text)';
  const rows = await sql.query<{ rows: string | null }>(
    `select string_agg(packed, e'\\n' order by updated_at, venue_order_id) as rows
     from (select updated_at, venue_order_id, ${packedSql(packedOrderFields)} from paper_orders
           where account_id = $1 and updated_at >= $2 ${statuses} ${keyset}
           order by updated_at, venue_order_id limit $3) page`,
    after === null ? [accountId, since, limit] : [accountId, since, limit, after.at, after.id],
  );
  const text = rows[0]?.rows ?? null;
  if (text === null) return [];
  const decode = packedOrderReader();
  return text.split('\n').map(decode);
}

export async function updatePaperOrderStatus(sql: SqlClient, accountId: string, venueOrderId: string, status: PaperStatus, at: string, fill?: { quantity: string; price: string }) {
  const rows = await sql.query(
    `update paper_orders set status = $3, filled_quantity = filled_quantity + $4::numeric,
       filled_notional = filled_notional + $4::numeric * $6::numeric, updated_at = $5
     where account_id = $1 and venue_order_id = $2 returning *`,
    [accountId, venueOrderId, status, fill?.quantity ?? '0', at, fill?.price ?? '0'],
  );
  if (rows[0] === undefined) throw new Error(`paper order ${venueOrderId} vanished`);
  return orderReport(rows[0]);
}

export async function countPaperFills(sql: SqlClient, accountId: string, venueOrderId: string): Promise<number> {
  const rows = await sql.query<{ n: number }>('select count(*)::int as n from paper_fills where account_id = $1 and venue_order_id = $2', [accountId, venueOrderId]);
  return Number(rows[0]?.n ?? 0);
}

export async function insertPaperFill(sql: SqlClient, accountId: string, f: VenueFillReport): Promise<void> {
  await sql.query(
    `insert into paper_fills (account_id, exec_id, venue_order_id, quantity, price, fee, executed_at) values ($1, $2, $3, $4, $5, $6, $7)`,
    [accountId, f.execId, f.venueOrderId, formatDecimal(f.quantity), formatDecimal(f.price), formatDecimal(f.fee), f.executedAt],
  );
}

/** Fills after a point, paged by (executed_at, exec_id) so that a page boundary never splits or repeats. */
export async function selectPaperFills(sql: SqlClient, accountId: string, since: string, after: { at: string; execId: string } | null, limit: number) {
  const rows = await sql.query(
    `select f.*, o.client_order_id, o.symbol, o.side from paper_fills f
     join paper_orders o on o.account_id = f.account_id and o.venue_order_id = f.venue_order_id
     where f.account_id = $1 and f.executed_at >= $2
       and ($3::timestamptz is null or (f.executed_at, f.exec_id) > ($3::timestamptz, $4::text))
     order by f.executed_at, f.exec_id limit $5`,
    [accountId, since, after?.at ?? null, after?.execId ?? null, limit],
  );
  return rows.map(fillReport);
}

export async function selectPaperPositions(sql: SqlClient, accountId: string): Promise<VenuePositionReport[]> {
  const rows = await sql.query(
    `select o.symbol, o.asset_class, sum(case when o.side = 'buy' then f.quantity else -f.quantity end) as net
     from paper_fills f join paper_orders o on o.account_id = f.account_id and o.venue_order_id = f.venue_order_id
     where f.account_id = $1 group by o.symbol, o.asset_class order by o.symbol`,
    [accountId],
  );
  return rows.map((r) => ({ symbol: r.symbol as string, assetClass: r.asset_class as VenuePositionReport['assetClass'], netQuantity: decimalFromSql(r.net as string) }));
}
