import { encodeLegFills, encodeLegs, type EventPayload, type Fill, type Order, type QuarantineKind, type StoredEventFields } from '../domain/index.js';
import { constraintOf, type SqlClient, sqlState, sqlStateOf } from './database.js';
import { fillColumns, fillFromRow, orderColumns, orderColumnTypes, orderFromRow, orderValues, placeholders, type Row, toIso } from './order-rows.js';

/**
 * The ledger's SQL, one function a statement. Every statement names the account: no statement
 * reads or writes across accounts, so a transaction never spans two.
 */

export interface AccountRecord {
  id: string;
  /** The owning user; null for accounts made through the library without users. */
  userId: string | null;
  name: string;
  venue: string;
  baseCurrency: string;
  venueConfig: Record<string, unknown>;
  webhookSecret: string | null;
  createdAt: string;
  /** Read-only toward the venue: Fillbook reads and reconciles, never places or cancels. */
  observeOnly: boolean;
  /** Refuse new entry orders while the latest reconciliation has findings that halt the account. */
  failClosed: boolean;
  /** Set by the latest completed reconciliation when it left findings that say the ledger may be wrong. */
  halt: AccountHalt | null;
}

export interface AccountHalt {
  runId: string;
  /** Unresolved findings per category. */
  findings: Record<string, number>;
  haltedAt: string;
}

const accountFromRow = (r: Row): AccountRecord => ({
  id: r.account_id as string,
  userId: (r.user_id as string | null) ?? null,
  name: r.name as string,
  venue: r.venue as string,
  baseCurrency: r.base_currency as string,
  venueConfig: (r.venue_config as Record<string, unknown>) ?? {},
  webhookSecret: (r.webhook_secret as string | null) ?? null,
  createdAt: toIso(r.created_at),
  observeOnly: r.observe_only === true,
  failClosed: r.fail_closed !== false,
  halt: r.halt_run_id === null || r.halt_run_id === undefined ? null : { runId: r.halt_run_id as string, findings: r.halt_findings as Record<string, number>, haltedAt: toIso(r.halted_at) },
});

const accountSelect = `select a.*, h.run_id as halt_run_id, h.findings as halt_findings, h.halted_at
  from accounts a left join account_halts h on h.account_id = a.account_id`;

export async function insertAccount(sql: SqlClient, a: AccountRecord): Promise<void> {
  await sql.query(
    `insert into accounts (account_id, user_id, name, venue, base_currency, venue_config, webhook_secret, created_at, observe_only, fail_closed)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [a.id, a.userId, a.name, a.venue, a.baseCurrency, JSON.stringify(a.venueConfig), a.webhookSecret, a.createdAt, a.observeOnly, a.failClosed],
  );
}

export async function selectAccount(sql: SqlClient, accountId: string): Promise<AccountRecord | undefined> {
  const rows = await sql.query(`${accountSelect} where a.account_id = $1`, [accountId]);
  return rows[0] === undefined ? undefined : accountFromRow(rows[0]);
}

/** All accounts, or one user's. */
export async function selectAccounts(sql: SqlClient, userId?: string): Promise<AccountRecord[]> {
  const rows = await sql.query(`${accountSelect} where ($1::uuid is null or a.user_id = $1) order by a.created_at, a.account_id`, [userId ?? null]);
  return rows.map(accountFromRow);
}

/** The account's two switches; the rest of an account is fixed when it is made. */
export async function updateAccountSwitches(sql: SqlClient, accountId: string, switches: { observeOnly?: boolean; failClosed?: boolean }): Promise<boolean> {
  const rows = await sql.query(
    `update accounts set observe_only = coalesce($2, observe_only), fail_closed = coalesce($3, fail_closed)
     where account_id = $1 returning account_id`,
    [accountId, switches.observeOnly ?? null, switches.failClosed ?? null],
  );
  return rows.length === 1;
}

/** Whether new entries on the account wait for a clean reconciliation (fail closed), and why. */
export async function selectEntryHalt(sql: SqlClient, accountId: string): Promise<AccountHalt | null> {
  const rows = await sql.query(
    `select h.run_id as halt_run_id, h.findings as halt_findings, h.halted_at from account_halts h
     join accounts a on a.account_id = h.account_id where h.account_id = $1 and a.fail_closed`,
    [accountId],
  );
  const r = rows[0];
  return r === undefined ? null : { runId: r.halt_run_id as string, findings: r.halt_findings as Record<string, number>, haltedAt: toIso(r.halted_at) };
}

/**
 * A new order and its `created` event, as the statements below write them: the order's columns and
 * fingerprint are parameters 1..n, the event's type, source, times and payload the five after.
 */
const fingerprintParam = orderColumns.length + 1;
const orderInsertInto = `insert into orders (${orderColumns.join(', ')}, request_fingerprint)`;
const createdEventFrom = (created: string) => `insert into order_events (account_id, order_id, seq, type, source, occurred_at, recorded_at, payload)
      select account_id, id, 1, ${placeholders(5, fingerprintParam + 1)} from ${created}`;
const createdParams = (order: Order, fingerprint: string, event: StoredEventFields): unknown[] => [
  ...orderValues(order), fingerprint, event.type, event.source, event.at, event.recordedAt, JSON.stringify(event.payload),
];

const insertOrderSql = `${orderInsertInto}
  values (${placeholders(fingerprintParam)})
  on conflict (account_id, client_order_id) do nothing returning id`;

/** Inserts a new order; false when its client order id is already taken in the account. */
export async function insertOrder(sql: SqlClient, order: Order, fingerprint: string): Promise<boolean> {
  const rows = await sql.query(insertOrderSql, [...orderValues(order), fingerprint]);
  return rows.length === 1;
}

const insertOrderCreatedSql = `with created as (
      ${orderInsertInto}
      values (${placeholders(fingerprintParam)})
      on conflict (account_id, client_order_id) do nothing returning account_id, id
    )
    ${createdEventFrom('created')}
    returning order_id`;

/** Inserts a new order and its created event in one statement; false when the client order id is taken. */
export async function insertOrderCreated(sql: SqlClient, order: Order, fingerprint: string, event: StoredEventFields): Promise<boolean> {
  const rows = await sql.query(insertOrderCreatedSql, createdParams(order, fingerprint, event));
  return rows.length === 1;
}

/**
 * A new order with its request fingerprint and its events, for `insertOrdersCreated`: its `created`
 * event (sequence 1) and any that followed it before it was written (the order is as they leave it).
 */
export interface OrderCreation {
  order: Order;
  fingerprint: string;
  events: readonly { seq: number; event: StoredEventFields }[];
}

const orderEventColumns = [['order_id', 'uuid'], ['seq', 'integer'], ['type', 'text'], ['source', 'text'], ['occurred_at', 'timestamptz'], ['recorded_at', 'timestamptz'], ['payload', 'jsonb']] as const;
const insertedOrderColumns = orderColumns.filter((c) => c !== 'account_id');
const mutableOrderColumns = orderColumns.filter((c) => c !== 'account_id' && c !== 'id');

/**
 * The rows of a batched statement travel as one JSON array of records a table (`jsonb_to_recordset`):
 * one parameter per table, written by JSON.stringify and read by the server in one pass. An array
 * per column (`unnest`) cost the client an escaped element per value. As `jsonb`, not `json`: the
 * server parses the text once into its binary form, and a record's jsonb value (an event's payload)
 * is taken from it as it is; `json_to_recordset` kept a hash table of each record's fields and
 * parsed each payload a second time for its jsonb column (batches of 100 fills: 33–35 against
 * 27–28 µs of the server's CPU a fill, bench/write-path.ts).
 */
const jsonRecords = (param: string, columns: readonly (readonly [string, string])[], alias: string) =>
  `jsonb_to_recordset(${param}::jsonb) as ${alias}(${columns.map(([c, type]) => `${c} ${type}`).join(', ')})`;
const typed = (columns: readonly (typeof orderColumns)[number][]) => columns.map((c) => [c, orderColumnTypes[c]] as const);
const orderColumnIndex = Object.fromEntries(orderColumns.map((c, i) => [c, i])) as Record<(typeof orderColumns)[number], number>;

/** An order's record for `jsonRecords`: these columns, as `orderValues` gives them, with its jsonb columns as JSON, not JSON text. */
function orderRecord(order: Order, columns: readonly (typeof orderColumns)[number][], record: Record<string, unknown> = {}): Record<string, unknown> {
  const values = orderValues(order);
  for (const c of columns) record[c] = values[orderColumnIndex[c]];
  if ('legs' in record) record.legs = order.legs === null ? null : encodeLegs(order.legs);
  if ('leg_fills' in record) record.leg_fills = order.legFills === null ? null : encodeLegFills(order.legFills);
  return record;
}

/** An event's record for `jsonRecords` over `orderEventColumns`. */
const eventRecord = (orderId: string, seq: number, event: StoredEventFields) => ({
  order_id: orderId,
  seq,
  type: event.type,
  source: event.source,
  occurred_at: event.at,
  recorded_at: event.recordedAt,
  payload: payloadToStore(event),
});

/**
 * The payload an event is stored with. A `filled` event's fill is stored without what its row
 * already holds: its account and order, and its execution time, arrival time and source, which are
 * the event's own `at`, `recorded_at` and `source` (`filledEvent`). Those five were a third of the
 * bytes of every fill the server parsed and wrote twice over (batches of 100 fills: 2.5 µs of the
 * server's 18 a fill, bench/README.md). `storedPayload` gives readers the fill whole again, as
 * encoded (`encodeFill`); a fill whose times or source differ from its event's, which `filledEvent`
 * never makes, is stored whole, as every fill was before.
 */
function payloadToStore(event: StoredEventFields): EventPayload {
  if (event.type !== 'filled') return event.payload;
  const fill = event.payload.fill as EventPayload;
  if (fill.executed_at !== event.at || fill.received_at !== event.recordedAt || fill.source !== event.source) return event.payload;
  // Written out, keys as `encodeFill` writes them; a single-instrument fill has no `leg`.
  const stored: EventPayload = { id: fill.id, exec_id: fill.exec_id, quantity: fill.quantity, price: fill.price, fee: fill.fee, fee_currency: fill.fee_currency, liquidity: fill.liquidity };
  if (fill.leg !== undefined) stored.leg = fill.leg;
  return { fill: stored };
}

/** An event's payload as stored, with a `filled` event's fill whole again (see `payloadToStore`); a fill stored whole is its own. */
function storedPayload(row: Row, type: StoredEventFields['type'], at: string, recordedAt: string, source: string): EventPayload {
  const payload = row.payload as EventPayload;
  if (type !== 'filled') return payload;
  const fill = payload.fill as EventPayload;
  return { ...payload, fill: { account_id: row.account_id, order_id: row.order_id, executed_at: at, received_at: recordedAt, source, ...fill } };
}

const insertOrdersCreatedSql = `with created as (
      ${orderInsertInto}
      select $1, ${insertedOrderColumns.map((c) => `u.${c}`).join(', ')}, u.request_fingerprint
      from ${jsonRecords('$2', [...typed(insertedOrderColumns), ['request_fingerprint', 'text']], 'u')}
      -- In one order whoever inserts, so two adopters of the same orders wait for each other
      -- instead of each holding a key the other needs (a deadlock).
      order by u.client_order_id collate "C"
      on conflict (account_id, client_order_id) do nothing returning account_id, id
    ), event as (
      insert into order_events (account_id, ${orderEventColumns.map(([c]) => c).join(', ')})
      select c.account_id, ${orderEventColumns.map(([c]) => `e.${c}`).join(', ')} from created c join ${jsonRecords('$3', orderEventColumns, 'e')} on e.order_id = c.id
      returning order_id
    )
    select distinct order_id as id from event`;

/**
 * Inserts new orders of one account and their events in one statement, each unless its client
 * order id is already taken in the account (then nothing of it is written, as `insertOrderCreated`);
 * returns the ids of the orders it inserted. The client order ids must be distinct within the call.
 */
export async function insertOrdersCreated(sql: SqlClient, accountId: string, creations: readonly OrderCreation[]): Promise<Set<string>> {
  if (creations.length === 0) return new Set();
  const orders = creations.map((c) => orderRecord(c.order, insertedOrderColumns, { request_fingerprint: c.fingerprint }));
  const events = creations.flatMap((c) => c.events.map((e) => eventRecord(c.order.id, e.seq, e.event)));
  const inserted = await sql.query<{ id: string }>(insertOrdersCreatedSql, [accountId, JSON.stringify(orders), JSON.stringify(events)]);
  return new Set(inserted.map((r) => r.id));
}

const insertGuardedOrderSql = (() => {
  const param = (column: (typeof orderColumns)[number]) => `$${orderColumns.indexOf(column) + 1}`;
  const [account, position] = [param('account_id'), param('position_id')];
  const guardVersion = `$${fingerprintParam + 6}`;
  return `with claim as (
      update positions set guard_version = guard_version + 1
      where account_id = ${account} and id = ${position} and guard_version = ${guardVersion} returning id
    ), created as (
      ${orderInsertInto}
      select ${placeholders(fingerprintParam)} from claim
      on conflict (account_id, client_order_id) do nothing returning account_id, id
    ), event as (
      ${createdEventFrom('created')}
      returning order_id
    )
    select (select count(*) from claim)::int as claimed, (select count(*) from event)::int as created`;
})();

/**
 * What a guarded insert did: `created`; `client_order_id_taken` (nothing inserted); or `stale`
 * (the position's guard version moved since the caller read it; nothing inserted: read again).
 */
export type GuardedOrderWrite = 'created' | 'client_order_id_taken' | 'stale';

/**
 * Inserts an order of a position and its created event in one statement, if the position's guard
 * version is still `guardVersion`, and bumps the version: a compare-and-set. When it holds, no
 * guarded write (a new order, a retry, an amendment) touched the position since the caller read its
 * orders and the domain decided that this one fits (`checkExposure`): the rule lives there only.
 */
export async function insertGuardedOrder(sql: SqlClient, order: Order, fingerprint: string, event: StoredEventFields, guardVersion: string): Promise<GuardedOrderWrite> {
  if (order.positionId === null) throw new Error(`order ${order.id} has no position to guard`);
  const rows = await sql.query<{ claimed: number; created: number }>(insertGuardedOrderSql, [...createdParams(order, fingerprint, event), guardVersion]);
  const row = rows[0];
  if (row === undefined || row.claimed === 0) return 'stale';
  return row.created === 1 ? 'created' : 'client_order_id_taken';
}

const updateOrderSql = `update orders set ${mutableOrderColumns.map((c, i) => `${c} = $${i + 3}`).join(', ')}
  where account_id = $1 and id = $2`;

export async function updateOrder(sql: SqlClient, order: Order): Promise<void> {
  const values = orderValues(order);
  const byColumn = new Map(orderColumns.map((c, i) => [c, values[i]]));
  await sql.query(updateOrderSql, [order.accountId, order.id, ...mutableOrderColumns.map((c) => byColumn.get(c))]);
}

/** An order a batch of lifecycle events changes: as read (`readVersion`), as the events leave it, and its new events. */
export interface OrderEventsWrite {
  readVersion: number;
  order: Order;
  events: readonly { seq: number; event: StoredEventFields }[];
}

const updateOrdersWithEventsSql = (() => {
  // $1 the account, $2 the ids, $3 the orders (with the versions read), $4 the events
  const claimed = '(select count(*) from stepped)';
  return `with stepped as (
      update orders o set ${mutableOrderColumns.map((c) => `${c} = u.${c}`).join(', ')}
      from ${jsonRecords('$3', [['id', 'uuid'], ['read_version', 'integer'], ...typed(mutableOrderColumns)], 'u')}
      -- As in the fill batch: the ids as an array too, so that every plan finds each order by its key.
      where o.account_id = $1 and o.id = any($2::uuid[]) and o.id = u.id and o.version = u.read_version
      returning o.id
    ), event as (
      insert into order_events (account_id, ${orderEventColumns.map(([c]) => c).join(', ')})
      select $1, ${orderEventColumns.map(([c]) => `e.${c}`).join(', ')} from ${jsonRecords('$4', orderEventColumns, 'e')} where e.order_id in (select id from stepped)
      returning 1
    )
    select case when ${claimed} = cardinality($2::uuid[]) then (select count(*) from event)::int
             else fillbook_stale_write(cardinality($2::uuid[]), ${claimed}) end as events`;
})();

/**
 * Writes lifecycle events of several orders of one account in one statement: each order as its
 * events leave it, if it is still at the version the caller read (compare-and-set, as
 * `insertFillBatch`), and the events. All or nothing: `stale` when one order moved since it was
 * read (nothing written: read again).
 */
export async function updateOrdersWithEvents(sql: SqlClient, accountId: string, writes: readonly OrderEventsWrite[]): Promise<FillWrite> {
  if (writes.length === 0) return 'applied';
  const orders = writes.map((w) => orderRecord(w.order, mutableOrderColumns, { id: w.order.id, read_version: w.readVersion }));
  const events = writes.flatMap((w) => w.events.map((e) => eventRecord(w.order.id, e.seq, e.event)));
  const params = [accountId, writes.map((w) => w.order.id), JSON.stringify(orders), JSON.stringify(events)];
  return staleWhenRolledBack(() => sql.query(updateOrdersWithEventsSql, params));
}

/**
 * Runs a compare-and-set statement: `stale` when an order moved since it was read, or when a
 * deadlock with another writer of the same orders rolled the statement back whole; either way
 * nothing was written and the caller reads again.
 */
async function staleWhenRolledBack(write: () => Promise<unknown>): Promise<FillWrite> {
  try {
    await write();
    return 'applied';
  } catch (error) {
    const state = sqlStateOf(error);
    if (state === sqlState.staleWrite || state === sqlState.deadlockDetected) return 'stale';
    throw error;
  }
}

export type OrderKey =
  | { by: 'id'; value: string }
  | { by: 'client_order_id'; value: string }
  | { by: 'broker_order_id'; value: string };

const keyColumn = { id: 'id', client_order_id: 'client_order_id', broker_order_id: 'broker_order_id' } as const;

export async function selectOrder(
  sql: SqlClient,
  accountId: string,
  key: OrderKey,
  lock: 'for update' | '' = '',
): Promise<{ order: Order; fingerprint: string } | undefined> {
  const rows = await sql.query(`select * from orders where account_id = $1 and ${keyColumn[key.by]} = $2 ${lock}`, [
    accountId,
    key.value,
  ]);
  const row = rows[0];
  return row === undefined ? undefined : { order: orderFromRow(row), fingerprint: row.request_fingerprint as string };
}

export interface OrderFilter {
  statuses?: readonly string[];
  updatedBefore?: string;
  sentBy?: 'fillbook' | 'bot';
  limit: number;
}

export async function selectOrders(sql: SqlClient, accountId: string, filter: OrderFilter): Promise<Order[]> {
  const rows = await sql.query(
    `select * from orders where account_id = $1
       and ($2::text[] is null or status = any($2::text[]))
       and ($3::timestamptz is null or updated_at < $3)
       and ($5::text is null or sent_by = $5)
     order by created_at, id limit $4`,
    [accountId, filter.statuses ?? null, filter.updatedBefore ?? null, filter.limit, filter.sentBy ?? null],
  );
  return rows.map(orderFromRow);
}

export interface OrderPageFilter {
  accountIds: readonly string[];
  statuses: readonly string[] | null;
  symbol: string | null;
  positionId: string | null;
  signalId: string | null;
  since: string | null;
  /** Keyset cursor: the (created_at, id) of the last row of the previous page. */
  after: { createdAt: string; id: string } | null;
  limit: number;
}

/**
 * A page of orders across accounts, newest first, for listing. Each account's orders are read
 * newest first through `orders_by_account_created` (account_id, created_at, id), at most a page of
 * them, and the pages merged: one index range per account instead of a sort of all its orders
 * (an `account_id = any(...)` condition gives the index no order to follow on PostgreSQL 15).
 */
export async function selectOrderPage(sql: SqlClient, f: OrderPageFilter): Promise<Order[]> {
  if (f.accountIds.length === 0) return [];
  const rows = await sql.query(
    `select o.* from unnest($1::uuid[]) as a(account_id)
     cross join lateral (
       select o.* from orders o
       left join positions p on p.account_id = o.account_id and p.id = o.position_id
       where o.account_id = a.account_id
         and ($2::text[] is null or o.status = any($2::text[]))
         and ($3::text is null or o.symbol = $3)
         and ($4::uuid is null or o.position_id = $4)
         and ($5::text is null or p.signal_id = $5)
         and ($6::timestamptz is null or o.created_at >= $6)
         and ($7::timestamptz is null or (o.created_at, o.id) < ($7::timestamptz, $8::uuid))
       order by o.created_at desc, o.id desc limit $9
     ) o
     order by o.created_at desc, o.id desc limit $9`,
    [f.accountIds, f.statuses, f.symbol, f.positionId, f.signalId, f.since, f.after?.createdAt ?? null, f.after?.id ?? null, f.limit],
  );
  return rows.map(orderFromRow);
}

/** An order by its id alone (its account found with it), for callers that address an order by id. */
export async function selectOrderById(sql: SqlClient, orderId: string): Promise<Order | undefined> {
  const rows = await sql.query('select * from orders where id = $1', [orderId]);
  return rows[0] === undefined ? undefined : orderFromRow(rows[0]);
}

/** The account an order id belongs to, for callers that address an order by its id alone. */
export async function selectOrderAccount(sql: SqlClient, orderId: string): Promise<string | undefined> {
  const rows = await sql.query<{ account_id: string }>('select account_id from orders where id = $1', [orderId]);
  return rows[0]?.account_id;
}

export async function insertOrderEvent(sql: SqlClient, accountId: string, orderId: string, seq: number, e: StoredEventFields): Promise<void> {
  await sql.query(
    `insert into order_events (account_id, order_id, seq, type, source, occurred_at, recorded_at, payload)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [accountId, orderId, seq, e.type, e.source, e.at, e.recordedAt, JSON.stringify(payloadToStore(e))],
  );
}

export interface StoredOrderEvent extends StoredEventFields {
  seq: number;
}

export async function selectOrderEvents(sql: SqlClient, accountId: string, orderId: string): Promise<StoredOrderEvent[]> {
  const rows = await sql.query('select * from order_events where account_id = $1 and order_id = $2 order by seq', [accountId, orderId]);
  return rows.map((r) => {
    const type = r.type as StoredEventFields['type'];
    const source = r.source as StoredEventFields['source'];
    const at = toIso(r.occurred_at);
    const recordedAt = toIso(r.recorded_at);
    return { seq: Number(r.seq), type, source, at, recordedAt, payload: storedPayload(r, type, at, recordedAt, source) };
  });
}

/** The order columns a fill changes, with their SQL types. */
const fillChangedColumns = [
  ['status', 'text'], ['qty_filled', 'numeric'], ['qty_remaining', 'numeric'], ['filled_notional', 'numeric'],
  ['avg_fill_price', 'numeric'], ['fees', 'numeric'], ['fee_currency', 'text'], ['first_fill_at', 'timestamptz'],
  ['last_fill_at', 'timestamptz'], ['completed_at', 'timestamptz'], ['version', 'integer'], ['updated_at', 'timestamptz'],
  ['leg_fills', 'jsonb'],
] as const;
const fillChangedColumnNames = fillChangedColumns.map(([c]) => c);
const batchFillColumns = fillColumns.filter((c) => c !== 'account_id');
const batchQuarantineColumns = [['id', 'uuid'], ['kind', 'text'], ['exec_id', 'text'], ['order_id', 'uuid'], ['reason', 'text'], ['payload', 'jsonb'], ['received_at', 'timestamptz']] as const;

/**
 * The fills columns a `filled` event's row holds, as the batch statement reads them (`e`, the event
 * records): the fill's order, and its times and source, which a fill stored whole holds too
 * (`payloadToStore`). The others are the stored fill's (`f`).
 */
const fillFromEvent: Partial<Record<(typeof batchFillColumns)[number], string>> = {
  order_id: 'e.order_id',
  executed_at: 'coalesce(f.executed_at, e.occurred_at)',
  received_at: 'coalesce(f.received_at, e.recorded_at)',
  source: 'coalesce(f.source, e.source)',
};

/**
 * The batch statement, its rows as JSON records (`jsonRecords`). A fill travels once, in its
 * `filled` event's payload as stored (`payloadToStore`), whose `fill` holds the fill's columns by
 * name: the fills row is read from there (`jsonb_populate_record`) and from the event's own
 * columns (`fillFromEvent`), never sent twice.
 */
const insertFillBatchSql = (() => {
  const orders = jsonRecords('$2', [['id', 'uuid'], ['read_version', 'integer'], ...fillChangedColumns], 'u');
  const events = jsonRecords('$3', orderEventColumns, 'e');
  const quarantined = jsonRecords('$4', batchQuarantineColumns, 'q');
  const expected = '$5::int';
  const claimed = '(select count(*) from changed)';
  // No ON CONFLICT on the fills: a taken exec id fails the whole statement (see `isExecIdTaken`).
  return `with changed as (
      update orders o set ${fillChangedColumns.map(([c]) => `${c} = u.${c}`).join(', ')}
      from ${orders}
      -- The ids again as an array ($6), so that every plan, the generic one included, finds each
      -- order by its key: on the join alone a generic plan merge-joined the account's whole key range.
      -- The records come in id order (insertFillBatch sorts them) and an index scan by = any($6)
      -- reads in key order, so the rows lock in id order without a sort here (25 µs of the server's
      -- time for a single fill); a deadlock all the same is answered as stale.
      where o.account_id = $1 and o.id = any($6::uuid[]) and o.id = u.id and o.version = u.read_version
      returning o.id
    ), e as (
      select * from ${events} where e.order_id in (select id from changed)
    ), fill as (
      insert into fills (${fillColumns.join(', ')})
      select $1, ${batchFillColumns.map((c) => fillFromEvent[c] ?? `f.${c}`).join(', ')} from e, jsonb_populate_record(null::fills, e.payload->'fill') f
      returning 1
    ), event as (
      insert into order_events (account_id, ${orderEventColumns.map(([c]) => c).join(', ')})
      select $1, ${orderEventColumns.map(([c]) => `e.${c}`).join(', ')} from e
      returning 1
    ), quarantined as (
      insert into fill_quarantine (account_id, ${batchQuarantineColumns.map(([c]) => c).join(', ')})
      select $1, ${batchQuarantineColumns.map(([c]) => `q.${c}`).join(', ')} from ${quarantined}
      returning 1
    )
    select case when ${claimed} = ${expected} then (select count(*) from fill)::int
             else fillbook_stale_write(${expected}, ${claimed}) end as fills,
           (select count(*) from event)::int as events, (select count(*) from quarantined)::int as quarantined`;
})();

/** The SQL type of each fills column but the account, for the one-fill statement's parameters. */
const batchFillColumnTypes = {
  id: 'uuid', order_id: 'uuid', exec_id: 'text', quantity: 'numeric', price: 'numeric', fee: 'numeric', fee_currency: 'text',
  liquidity: 'text', executed_at: 'timestamptz', received_at: 'timestamptz', source: 'text', leg: 'integer',
} as const satisfies Record<(typeof batchFillColumns)[number], string>;

/**
 * The batch statement for a batch of one fill of one order, nothing quarantined (every single fill):
 * the same rows as `insertFillBatchSql` writes for it, from plain parameters instead of JSON records.
 * The server then plans a three-node statement; the records' statement, with its record scans and
 * joins, took about 100 µs more of its CPU for one fill (410 against 310 µs, where the raw baseline
 * takes 305; bench/README.md). The fills row is still the event payload's `fill`, read apart here.
 */
const insertOneFillSql = (() => {
  // $1 the account, $2 the order, $3 the version read; then the changed columns, the event's, the fill's.
  let n = 3;
  const next = (type: string) => `$${++n}::${type}`;
  const set = fillChangedColumns.map(([c, type]) => `${c} = ${next(type)}`).join(', ');
  const event = orderEventColumns.filter(([c]) => c !== 'order_id').map(([, type]) => next(type));
  const fill = batchFillColumns.map((c) => next(batchFillColumnTypes[c]));
  const fillOrder = fill[batchFillColumns.indexOf('order_id')]!;
  return `with changed as (
      update orders set ${set}
      where account_id = $1 and id = $2 and version = $3::int
      returning id
    ), fill as (
      insert into fills (${fillColumns.join(', ')})
      select $1, ${fill.join(', ')} from changed where changed.id = ${fillOrder}
      returning 1
    ), event as (
      insert into order_events (account_id, ${orderEventColumns.map(([c]) => c).join(', ')})
      select $1, changed.id, ${event.join(', ')} from changed
      returning 1
    )
    select case when (select count(*) from changed) = 1 then (select count(*) from fill)::int
             else fillbook_stale_write(1, 0) end as fills`;
})();

/** The parameters of `insertOneFillSql`, in its order. */
function oneFillParams(accountId: string, { readVersion, order }: OrderWrite, { seq, event }: FillBatchWrite['events'][number]): unknown[] {
  // The order's columns as parameters (`orderValues`: jsonb columns as JSON text).
  const values = orderValues(order);
  const fill = event.payload.fill as Record<string, unknown>;
  return [
    accountId, order.id, readVersion,
    ...fillChangedColumnNames.map((c) => values[orderColumnIndex[c]]),
    seq, event.type, event.source, event.at, event.recordedAt, JSON.stringify(payloadToStore(event)),
    ...batchFillColumns.map((c) => fill[c] ?? null),
  ];
}

/** An order a batch writes: as the ledger read it (`readVersion`) and as the batch leaves it. */
export interface OrderWrite {
  readVersion: number;
  order: Order;
}

/** Everything one account's batch of fills writes, in one statement. */
export interface FillBatchWrite {
  accountId: string;
  /** Each order the batch applied fills to, or whose status or quantity refused a fill (then unchanged). */
  orders: readonly OrderWrite[];
  /**
   * The `filled` event of each fill, with its sequence number on its order: the fill itself is
   * written from the event (its payload's `fill`, `encodeFill`, and its own columns: `payloadToStore`).
   */
  events: readonly { orderId: string; seq: number; event: StoredEventFields }[];
  quarantined: readonly QuarantinedFill[];
}

/** What writing a batch did: `applied` (all of it) or `stale` (an order changed since it was read; nothing written: read again). */
export type FillWrite = 'applied' | 'stale';

/**
 * Writes one account's batch of fills in one statement: each order as the batch leaves it, if it is
 * still at the version the caller read (compare-and-set, so the caller needs no transaction around
 * its read and this write), its fills and `filled` events, and the quarantined fills. Every order
 * is checked, also one left unchanged because it refused a fill: the refusal was decided on the
 * version read. All or nothing: when one order moved, or an exec id is already recorded (see
 * `isExecIdTaken`), the statement fails as a whole and changes nothing. One fill of one order,
 * nothing quarantined (every single fill), goes as plain parameters (`insertOneFillSql`); any
 * other batch as JSON records.
 */
export async function insertFillBatch(sql: SqlClient, batch: FillBatchWrite): Promise<FillWrite> {
  const [only] = batch.orders;
  const [event] = batch.events;
  if (only !== undefined && event !== undefined && batch.orders.length === 1 && batch.events.length === 1 && batch.quarantined.length === 0 && event.orderId === only.order.id) {
    return staleWhenRolledBack(() => sql.query(insertOneFillSql, oneFillParams(batch.accountId, only, event)));
  }
  // Orders in id order, so that two batches on the same orders mostly lock their rows in one order
  // (a deadlock that happens all the same is answered as stale: `staleWhenRolledBack`).
  const orders = [...batch.orders]
    .sort((x, y) => (x.order.id < y.order.id ? -1 : x.order.id > y.order.id ? 1 : 0))
    .map(({ readVersion, order }) => orderRecord(order, fillChangedColumnNames, { id: order.id, read_version: readVersion }));
  const events = batch.events.map(({ orderId, seq, event }) => eventRecord(orderId, seq, event));
  const quarantined = batch.quarantined.map((q) => ({ id: q.id, kind: q.kind, exec_id: q.execId, order_id: q.orderId, reason: q.reason, payload: q.payload, received_at: q.receivedAt }));
  const ids = orders.map((o) => o.id);
  return staleWhenRolledBack(() => sql.query(insertFillBatchSql, [batch.accountId, JSON.stringify(orders), JSON.stringify(events), JSON.stringify(quarantined), batch.orders.length, ids]));
}

/** Whether an error is the fills' unique exec id refusing a second fill with the same exec id. */
export function isExecIdTaken(error: unknown): boolean {
  return sqlStateOf(error) === sqlState.uniqueViolation && (constraintOf(error)?.includes('exec_id') ?? false);
}

/** The orders of one account that any of these ids, client order ids or broker order ids name. */
export async function selectOrdersByKeys(sql: SqlClient, accountId: string, keys: { ids: readonly string[]; clientOrderIds: readonly string[]; brokerOrderIds: readonly string[] }): Promise<Order[]> {
  const rows = await sql.query(
    `select * from orders where account_id = $1
       and (id = any($2::uuid[]) or client_order_id = any($3::text[]) or broker_order_id = any($4::text[]))`,
    [accountId, keys.ids, keys.clientOrderIds, keys.brokerOrderIds],
  );
  return rows.map(orderFromRow);
}

/** Orders by their ids alone (each found with its account), for fills that address an order by id. */
export async function selectOrdersByIds(sql: SqlClient, orderIds: readonly string[]): Promise<Order[]> {
  const rows = await sql.query('select * from orders where id = any($1::uuid[])', [orderIds]);
  return rows.map(orderFromRow);
}

/** The fills of one account recorded under any of these exec ids. */
export async function selectFillsByExecIds(sql: SqlClient, accountId: string, execIds: readonly string[]): Promise<Fill[]> {
  const rows = await sql.query('select * from fills where account_id = $1 and exec_id = any($2::text[])', [accountId, execIds]);
  return rows.map(fillFromRow);
}

export async function selectOrderFills(sql: SqlClient, accountId: string, orderId: string): Promise<Fill[]> {
  const rows = await sql.query('select * from fills where account_id = $1 and order_id = $2 order by executed_at, exec_id', [accountId, orderId]);
  return rows.map(fillFromRow);
}

/** A page of an order's fills in execution order, after the (executed_at, exec_id) of the previous page's last. */
export async function selectOrderFillsPage(sql: SqlClient, accountId: string, orderId: string, after: { executedAt: string; execId: string } | null, limit: number): Promise<Fill[]> {
  const rows = await sql.query(
    `select * from fills where account_id = $1 and order_id = $2
       and ($3::timestamptz is null or (executed_at, exec_id) > ($3::timestamptz, $4::text))
     order by executed_at, exec_id limit $5`,
    [accountId, orderId, after?.executedAt ?? null, after?.execId ?? null, limit],
  );
  return rows.map(fillFromRow);
}

export interface QuarantinedFill {
  id: string;
  accountId: string;
  kind: QuarantineKind;
  execId: string;
  orderId: string | null;
  reason: string;
  payload: Record<string, unknown>;
  receivedAt: string;
}

/** An order's quarantined fills shown with it, at most (a venue redelivering one fill forever stays bounded). */
export const orderQuarantineShownMax = 200;

/** The account's quarantined fills; only one order's (the first `orderQuarantineShownMax`) when `orderId` is given. */
export async function selectQuarantinedFills(sql: SqlClient, accountId: string, orderId?: string): Promise<QuarantinedFill[]> {
  const rows =
    orderId === undefined
      ? await sql.query('select * from fill_quarantine where account_id = $1 order by received_at, id', [accountId])
      : await sql.query(`select * from fill_quarantine where account_id = $1 and order_id = $2 order by received_at, id limit ${orderQuarantineShownMax}`, [accountId, orderId]);
  return rows.map((r) => ({
    id: r.id as string,
    accountId: r.account_id as string,
    kind: r.kind as QuarantineKind,
    execId: r.exec_id as string,
    orderId: (r.order_id as string | null) ?? null,
    reason: r.reason as string,
    payload: r.payload as Record<string, unknown>,
    receivedAt: toIso(r.received_at),
  }));
}
