import { type Decimal, decimalFromSql, type Finding, type LedgerOrderCompared, type LedgerOrderView, type LedgerWorkingOrders, type OrderStatus, type PositionProtection, zero } from '../domain/index.js';
import type { Database, SqlClient } from './database.js';
import { type Row, toIso } from './order-rows.js';
import { ColumnInterner, isoFromUtcText, PackedFields, readCopyPages, unpackField, utcTextSql, uuidLiteral } from './packed-rows.js';

export interface RunRecord {
  id: string;
  accountId: string;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  dryRun: boolean;
  actions: string[];
  status: 'running' | 'completed' | 'failed';
  summary: Record<string, number>;
  error: string | null;
}

export interface StoredFinding {
  seq: number;
  category: Finding['category'];
  orderId: string | null;
  brokerOrderId: string | null;
  symbol: string | null;
  details: Record<string, unknown>;
  actionTaken: string | null;
}

const runFromRow = (r: Row): RunRecord => ({
  id: r.id as string,
  accountId: r.account_id as string,
  startedBy: r.started_by as string,
  startedAt: toIso(r.started_at),
  finishedAt: r.finished_at === null ? null : toIso(r.finished_at),
  dryRun: r.dry_run as boolean,
  actions: r.actions as string[],
  status: r.status as RunRecord['status'],
  summary: r.summary as Record<string, number>,
  error: (r.error as string | null) ?? null,
});

export async function insertRun(sql: SqlClient, run: RunRecord): Promise<void> {
  await sql.query(
    `insert into reconciliation_runs (account_id, id, started_by, started_at, dry_run, actions, status, summary)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [run.accountId, run.id, run.startedBy, run.startedAt, run.dryRun, run.actions, run.status, JSON.stringify(run.summary)],
  );
}

export async function finishRun(sql: SqlClient, run: Pick<RunRecord, 'accountId' | 'id' | 'status' | 'summary' | 'error' | 'finishedAt'>): Promise<void> {
  await sql.query('update reconciliation_runs set status = $3, summary = $4, error = $5, finished_at = $6 where account_id = $1 and id = $2', [
    run.accountId, run.id, run.status, JSON.stringify(run.summary), run.error, run.finishedAt,
  ]);
}

/** Stores findings in batches (one statement per batch) so a run with many stays quick. */
export async function insertFindings(sql: SqlClient, accountId: string, runId: string, findings: readonly StoredFinding[]): Promise<void> {
  const batchRowsMax = 1000;
  for (let start = 0; start < findings.length; start += batchRowsMax) {
    const batch = findings.slice(start, start + batchRowsMax);
    await sql.query(
      `insert into reconciliation_findings (account_id, run_id, seq, category, order_id, broker_order_id, symbol, details, action_taken)
       select $1, $2, * from unnest($3::int[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::jsonb[], $9::text[])`,
      [
        accountId, runId, batch.map((f) => f.seq), batch.map((f) => f.category), batch.map((f) => f.orderId), batch.map((f) => f.brokerOrderId),
        batch.map((f) => f.symbol), batch.map((f) => JSON.stringify(f.details)), batch.map((f) => f.actionTaken),
      ],
    );
  }
}

export async function selectRun(sql: SqlClient, accountId: string, runId: string): Promise<RunRecord | undefined> {
  const rows = await sql.query('select * from reconciliation_runs where account_id = $1 and id = $2', [accountId, runId]);
  return rows[0] === undefined ? undefined : runFromRow(rows[0]);
}

export async function selectRunAccount(sql: SqlClient, runId: string): Promise<string | undefined> {
  return (await sql.query<{ account_id: string }>('select account_id from reconciliation_runs where id = $1', [runId]))[0]?.account_id;
}

export async function selectRuns(sql: SqlClient, accountId: string, limit: number): Promise<RunRecord[]> {
  return (await sql.query('select * from reconciliation_runs where account_id = $1 order by started_at desc, id limit $2', [accountId, limit])).map(runFromRow);
}

export async function selectFindings(sql: SqlClient, accountId: string, runId: string, limit: number): Promise<StoredFinding[]> {
  const rows = await sql.query('select * from reconciliation_findings where account_id = $1 and run_id = $2 order by seq limit $3', [accountId, runId, limit]);
  return rows.map((r) => ({
    seq: Number(r.seq),
    category: r.category as StoredFinding['category'],
    orderId: (r.order_id as string | null) ?? null,
    brokerOrderId: (r.broker_order_id as string | null) ?? null,
    symbol: (r.symbol as string | null) ?? null,
    details: r.details as Record<string, unknown>,
    actionTaken: (r.action_taken as string | null) ?? null,
  }));
}

const slimColumns = `id, client_order_id, broker_order_id, symbol, status, qty_filled, sent_by, ${utcTextSql('updated_at')} as updated_at`;
const slimMapper = () => {
  const [symbol, status, sentBy] = Array.from({ length: 3 }, () => new ColumnInterner((s) => s));
  const updatedAt = new ColumnInterner(isoFromUtcText);
  const qtyFilled = new ColumnInterner<Decimal>(decimalFromSql);
  return (r: Row): LedgerOrderView => ({
    id: r.id as string,
    clientOrderId: r.client_order_id as string,
    brokerOrderId: (r.broker_order_id as string | null) ?? null,
    symbol: symbol!.of(r.symbol as string),
    status: status!.of(r.status as string) as OrderStatus,
    qtyFilled: qtyFilled.of(r.qty_filled as string),
    updatedAt: updatedAt.of(r.updated_at as string),
    sentBy: sentBy!.of(r.sent_by as string) as LedgerOrderView['sentBy'],
  });
};

// The ids first: pairing reads them without decoding the rest (`LedgerWorkingOrders`).
const workingFields = ['broker_order_id', 'client_order_id', 'id', 'symbol', 'status', 'qty_filled', 'sent_by', utcTextSql('updated_at')];

/**
 * Every working order, read by one COPY (one snapshot, in the table's order, streamed) and handed
 * over a page at a time, each kept as the one row of text the database wrote (packed-rows.ts) and
 * decoded when asked.
 */
export async function readWorkingOrders(
  db: Database,
  accountId: string,
  pageSize: number,
  onPage: (read: number, working: LedgerWorkingOrders) => void,
): Promise<LedgerWorkingOrders> {
  // One interner per column: a value equal to the column's previous one costs no string (packed-rows.ts).
  const [symbol, status, sentBy] = Array.from({ length: 3 }, () => new ColumnInterner((s) => s));
  const updatedAt = new ColumnInterner(isoFromUtcText);
  const qtyFilled = new ColumnInterner<Decimal>(decimalFromSql);
  const fields = new PackedFields();
  const packed: string[] = [];
  const firstTab = (at: number) => packed[at]!.indexOf('\t');
  const compared: LedgerOrderCompared = { status: 'open', qtyFilled: zero, updatedAt: '', hasBrokerOrderId: false };
  // The orders read so far: each page's callback can begin on them (the pairing's index) while the next page is read.
  const working: LedgerWorkingOrders = {
    get length() {
      return packed.length;
    },
    brokerOrderId: (at) => unpackField(packed[at]!.slice(0, firstTab(at))),
    clientOrderId: (at) => {
      const row = packed[at]!;
      const from = row.indexOf('\t') + 1;
      return unpackField(row.slice(from, row.indexOf('\t', from)))!;
    },
    hasClientOrderId: (at, clientOrderId) => {
      const row = packed[at]!;
      const from = row.indexOf('\t') + 1;
      const end = row.indexOf('\t', from);
      // An escaped field (one holding a backslash) is compared decoded; a plain one in place.
      const backslash = row.indexOf('\\', from);
      if (backslash !== -1 && backslash < end) return unpackField(row.slice(from, end)) === clientOrderId;
      return end - from === clientOrderId.length && row.startsWith(clientOrderId, from);
    },
    view: (at) => {
      const f = fields.read(packed[at]!, workingFields.length);
      const brokerOrderId = f.text();
      const clientOrderId = f.text()!;
      const id = f.text()!;
      return {
        brokerOrderId,
        clientOrderId,
        id,
        symbol: f.interned(symbol!)!,
        status: f.interned(status!)! as OrderStatus,
        qtyFilled: f.interned(qtyFilled)!,
        sentBy: f.interned(sentBy!)! as LedgerOrderView['sentBy'],
        updatedAt: f.interned(updatedAt)!,
      };
    },
    compared: (at) => {
      const row = packed[at]!;
      const f = fields.read(row, workingFields.length);
      // The broker order id is `\N` when null; the client order id, the id and the symbol are passed over.
      compared.hasBrokerOrderId = !(row.charCodeAt(0) === 92 && row.charCodeAt(1) === 78 && row.charCodeAt(2) === 9);
      for (let i = 0; i < 4; i++) f.skip();
      compared.status = f.interned(status!)! as OrderStatus;
      compared.qtyFilled = f.interned(qtyFilled)!;
      f.skip();
      compared.updatedAt = f.interned(updatedAt)!;
      return compared;
    },
  };
  await readCopyPages(
    db,
    `select ${workingFields.join(', ')} from orders where account_id = ${uuidLiteral(accountId)}
       and status in ('pending_submit', 'submitted', 'open', 'partially_filled', 'pending_cancel')`,
    pageSize,
    (rows) => {
      for (const row of rows) packed.push(row);
      onPage(packed.length, working);
    },
  );
  return working;
}

/** Ledger orders (any status) by broker order id or client order id, for venue orders not matched. */
export async function selectOrdersByVenueKeys(sql: SqlClient, accountId: string, brokerOrderIds: readonly string[], clientOrderIds: readonly string[]): Promise<LedgerOrderView[]> {
  const rows = await sql.query(
    `select ${slimColumns} from orders where account_id = $1 and (broker_order_id = any($2::text[]) or client_order_id = any($3::text[]))`,
    [accountId, brokerOrderIds, clientOrderIds],
  );
  return rows.map(slimMapper());
}

/**
 * The base asset of a spot pair in SQL, null for anything else: the rule of `instrumentCurrencies`
 * in src/domain/fees.ts (`BASE/QUOTE` of a crypto or futures symbol; `BASE/QUOTE:SETTLE` delivers
 * no asset). test/storage/fees.test.ts holds the two to the same answers.
 */
export const baseAssetSql = (symbol: string, assetClass: string) =>
  `(case when ${assetClass} in ('crypto', 'future') and upper(${symbol}) ~ '^[A-Z0-9]{1,20}/[A-Z0-9]{1,20}$' then split_part(upper(${symbol}), '/', 1) end)`;

/**
 * Net quantity per symbol from every fill of the account, summed in the database: what the venue's
 * balance should show. A multi-leg order's fill counts toward its leg's symbol with the leg's side
 * (as in `selectHoldingFills`). A fee taken in the base asset of a spot pair, on the fill or
 * reported later (`fill_fees`), takes that much away, as `deriveHoldings` does.
 */
export async function selectNetBySymbol(sql: SqlClient, accountId: string): Promise<Map<string, ReturnType<typeof decimalFromSql>>> {
  const rows = await sql.query<{ symbol: string; net: string }>(
    `select symbol, sum(net)::text as net from (
       select l.symbol, sum(case when l.side = 'buy' then f.quantity else -f.quantity end
                            - case when upper(f.fee_currency) = ${baseAssetSql('l.symbol', 'l.asset_class')} then f.fee else 0 end) as net
       from fills f join orders o on o.account_id = f.account_id and o.id = f.order_id
       cross join lateral (select coalesce(o.legs -> (f.leg - 1) ->> 'symbol', o.symbol) as symbol,
                                  coalesce(o.legs -> (f.leg - 1) ->> 'asset_class', o.asset_class) as asset_class,
                                  coalesce(o.legs -> (f.leg - 1) ->> 'side', o.side) as side) l
       where f.account_id = $1 group by l.symbol
       union all
       select symbol, -sum(amount) from fill_fees
       where account_id = $1 and currency = ${baseAssetSql('symbol', 'asset_class')} group by symbol
       union all
       -- Imported opening balances: what the account held at the start of an import's window.
       select symbol, quantity from opening_balances where account_id = $1
     ) parts group by symbol`,
    [accountId],
  );
  return new Map(rows.map((r) => [r.symbol, decimalFromSql(r.net)]));
}

/**
 * Each position's open quantity and the statuses of its protective orders. The open quantity is
 * what is held, as `derivePosition` has it: fees taken in the base asset of a spot pair (on the fills
 * or reported later) leave the holding, so a long that sold all it received is not open.
 */
export async function selectPositionProtection(sql: SqlClient, accountId: string): Promise<PositionProtection[]> {
  const base = baseAssetSql('p.symbol', 'p.asset_class');
  const rows = await sql.query(
    `select p.id, p.signal_id, p.symbol,
       (coalesce(sum(case when o.role = 'entry' then o.qty_filled when o.role in ('exit', 'stop_loss', 'take_profit') then -o.qty_filled else 0 end), 0)
        - case when ${base} is null then 0 else (case when p.side = 'long' then 1 else -1 end) * (
            coalesce((select sum(f.fee) from fills f join orders fo on fo.account_id = f.account_id and fo.id = f.order_id
                      where fo.account_id = p.account_id and fo.position_id = p.id and upper(f.fee_currency) = ${base}), 0)
          + coalesce((select sum(ff.amount) from fill_fees ff join orders fo on fo.account_id = ff.account_id and fo.id = ff.order_id
                      where fo.account_id = p.account_id and fo.position_id = p.id and ff.currency = ${base}), 0)) end)::text as qty_open,
       coalesce(array_agg(o.status) filter (where o.role in ('stop_loss', 'take_profit')), '{}') as protective
     from positions p left join orders o on o.account_id = p.account_id and o.position_id = p.id
     where p.account_id = $1 group by p.account_id, p.id, p.signal_id, p.symbol, p.asset_class, p.side`,
    [accountId],
  );
  return rows.map((r) => ({
    positionId: r.id as string,
    signalId: r.signal_id as string,
    symbol: r.symbol as string,
    qtyOpen: decimalFromSql(r.qty_open as string),
    protectiveStatuses: r.protective as OrderStatus[],
  }));
}

/** Exec ids and the filled notional of one order, for planning a fill import. */
export async function selectOrderFillKeys(sql: SqlClient, accountId: string, orderId: string) {
  const rows = await sql.query<{ exec_id: string }>('select exec_id from fills where account_id = $1 and order_id = $2', [accountId, orderId]);
  return new Set(rows.map((r) => r.exec_id));
}

/** The account's watermark: how far back the next reconciliation reads the venue (null: never set). */
export async function selectWatermark(sql: SqlClient, accountId: string): Promise<string | null> {
  const rows = await sql.query('select venue_since from reconciliation_watermarks where account_id = $1', [accountId]);
  return rows[0] === undefined ? null : toIso(rows[0].venue_since);
}

export async function upsertWatermark(sql: SqlClient, accountId: string, venueSince: string, runId: string, at: string): Promise<void> {
  await sql.query(
    `insert into reconciliation_watermarks (account_id, venue_since, run_id, updated_at) values ($1, $2, $3, $4)
     on conflict (account_id) do update set venue_since = excluded.venue_since, run_id = excluded.run_id, updated_at = excluded.updated_at`,
    [accountId, venueSince, runId, at],
  );
}

/** Halts or releases the account's new entries after a completed run (no findings: released); `halted_at` is when the halt began. */
export async function setAccountHalt(sql: SqlClient, accountId: string, runId: string, findings: Record<string, number>, at: string): Promise<void> {
  if (Object.keys(findings).length === 0) {
    await sql.query('delete from account_halts where account_id = $1', [accountId]);
    return;
  }
  await sql.query(
    `insert into account_halts (account_id, run_id, findings, halted_at) values ($1, $2, $3, $4)
     on conflict (account_id) do update set run_id = excluded.run_id, findings = excluded.findings`,
    [accountId, runId, JSON.stringify(findings), at],
  );
}

/** Exec ids the ledger holds among the given ones (one account). */
export async function selectKnownExecIds(sql: SqlClient, accountId: string, execIds: readonly string[]): Promise<Set<string>> {
  if (execIds.length === 0) return new Set();
  const rows = await sql.query<{ exec_id: string }>('select exec_id from fills where account_id = $1 and exec_id = any($2::text[])', [accountId, execIds]);
  return new Set(rows.map((r) => r.exec_id));
}
