import {
  type AssetClass,
  assetClasses,
  type Decimal,
  type EventSource,
  eventSources,
  FillbookError,
  type FeesByCurrency,
  feesIn,
  instrumentCurrencies,
  invalid,
  parseDecimal,
  type Order,
  type RecordedFee,
  requireOneOf,
  requireText,
  requireTimestamp,
  requireUuid,
  sumFeesByCurrency,
  symbolCharsMax,
} from '../domain/index.js';
import { type Database, insertRecordedFee, selectAccount, selectOrder, selectOrderFeeCharges, selectOrderFills, selectRecordedFee } from '../storage/index.js';
import { accountNotFound, orderNotFound, type OrderRef, resolveOrder } from './addressing.js';

export const feeIdCharsMax = 200;
export const feeKindCharsMax = 200;
/** Upper case letters and digits: `USD`, `USDT`, `BNB`, `1INCH`. */
const currencyPattern = /^[A-Z0-9]{1,10}$/;

/** A fee the venue reported apart from its fill (see `Ledger.recordFee`). */
export interface RecordFeeInput {
  accountId: string;
  /** The venue's id for the fee (an Alpaca activity id): unique per account, the redelivery key. */
  feeId: string;
  /** The order it belongs to (in `accountId`), when the venue names one; omitted for a fee of the account. */
  order?: { orderId: string } | { clientOrderId: string } | { brokerOrderId: string };
  /** The execution it belongs to, when the venue names it: a fill of `order`. */
  execId?: string | null;
  /**
   * The instrument; required without `order` (an order's fee is for the order's symbol), unless
   * null: a fee of the whole account that names no instrument (Alpaca's daily regulatory totals).
   */
  symbol?: string | null;
  assetClass?: AssetClass;
  amount: string;
  currency: string;
  kind?: string | null;
  chargedAt?: string;
  source?: EventSource;
  /** The venue's raw record, kept whole. */
  payload?: unknown;
}

export interface RecordFeeResult {
  /** `duplicate`: the fee id was already recorded with the same data; nothing changed. */
  outcome: 'recorded' | 'duplicate';
  fee: RecordedFee;
}

/** An order's fees: per currency, and the quote-currency total its `fees` field shows. */
export interface OrderFees {
  quoteCurrency: string;
  fees: Decimal;
  feesByCurrency: FeesByCurrency;
}

/**
 * Records a fee reported apart from its fill, exactly once per fee id. The same fee again is a
 * duplicate (nothing changes); the same id with different data is a conflict that names the
 * fields that differ. Fills stay append-only: the fee is a row of its own (`fill_fees`), folded into
 * the order's, position's and holding's figures when they are derived.
 */
export async function recordFee(db: Database, now: string, input: RecordFeeInput): Promise<RecordFeeResult> {
  const accountId = requireUuid(input.accountId, 'account_id');
  const feeId = requireText(input.feeId, 'fee_id', feeIdCharsMax);
  const amount = parseDecimal(input.amount, 'amount');
  const currency = requireText(input.currency, 'currency', 10).toUpperCase();
  if (!currencyPattern.test(currency)) throw invalid('currency', 'must be letters and digits, such as "USD" or "BNB"');
  const execId = input.execId === undefined || input.execId === null ? null : requireText(input.execId, 'exec_id', 200);
  if (execId !== null && input.order === undefined) throw invalid('exec_id', 'names a fill, so the fee must also name its order');
  const kind = input.kind === undefined || input.kind === null ? null : requireText(input.kind, 'kind', feeKindCharsMax);
  const source = requireOneOf(eventSources, input.source ?? 'api', 'source');
  const chargedAt = input.chargedAt === undefined ? now : requireTimestamp(input.chargedAt, 'charged_at');
  return db.transaction(async (tx) => {
    if ((await selectAccount(tx, accountId)) === undefined) throw accountNotFound(accountId);
    let order: Order | null = null;
    if (input.order !== undefined) {
      const ref = { ...input.order, accountId } as OrderRef;
      const { key } = await resolveOrder(tx, ref);
      const found = await selectOrder(tx, accountId, key);
      if (found === undefined) throw orderNotFound(ref);
      order = found.order;
      if (execId !== null && !(await selectOrderFills(tx, accountId, order.id)).some((f) => f.execId === execId)) {
        throw invalid('exec_id', `order ${order.id} has no fill with exec id ${execId}; record the fill first, or leave exec_id out`);
      }
    }
    const accountWide = order === null && input.symbol === null;
    const symbol = order?.symbol ?? (accountWide ? null : requireText(input.symbol, 'symbol', symbolCharsMax));
    const assetClass = order?.assetClass ?? (accountWide ? null : requireOneOf(assetClasses, input.assetClass ?? 'equity', 'asset_class'));
    const fee: RecordedFee = { accountId, feeId, orderId: order?.id ?? null, execId, symbol, assetClass, amount, currency, kind, source, chargedAt, recordedAt: now };
    if (await insertRecordedFee(tx, fee, input.payload)) return { outcome: 'recorded' as const, fee };
    const recorded = await selectRecordedFee(tx, accountId, feeId);
    if (recorded === undefined) throw new Error(`fee ${feeId} conflicted but no row holds it`);
    const differs = differingFields(recorded, fee);
    if (differs.length > 0) {
      throw new FillbookError(
        'FILLBOOK_ERR_DUPLICATE_FEE_CONFLICT',
        `fee ${feeId} is already recorded with a different ${differs.join(', ')}; a fee id names one fee: send a correction under a new id`,
        { fee_id: feeId, fields: differs },
      );
    }
    return { outcome: 'duplicate' as const, fee: recorded };
  });
}

function differingFields(a: RecordedFee, b: RecordedFee): string[] {
  const out: string[] = [];
  if (a.orderId !== b.orderId) out.push('order');
  if (a.execId !== b.execId) out.push('exec_id');
  if (a.symbol !== b.symbol) out.push('symbol');
  if (!a.amount.eq(b.amount)) out.push('amount');
  if (a.currency !== b.currency) out.push('currency');
  return out;
}

/** Each order's fees per currency (its fills' and those reported later), in one read for the lot. */
export async function orderFees(db: Database, orders: readonly Order[]): Promise<Map<string, OrderFees>> {
  const accountIds = [...new Set(orders.map((o) => o.accountId))];
  const currencyOf = new Map<string, string>();
  for (const id of accountIds) {
    const account = await selectAccount(db, id);
    // Orders reference their account (a foreign key): a missing one is a broken database.
    if (account === undefined) throw new Error(`orders of account ${id} without the account`);
    currencyOf.set(id, account.baseCurrency);
  }
  const charges = await selectOrderFeeCharges(db, accountIds, orders.map((o) => o.id));
  return new Map(
    orders.map((o) => {
      const currencies = instrumentCurrencies(o.symbol, o.assetClass, currencyOf.get(o.accountId)!);
      const feesByCurrency = sumFeesByCurrency(charges.get(o.id) ?? [], currencies);
      return [o.id, { quoteCurrency: currencies.quote, fees: feesIn(feesByCurrency, currencies.quote), feesByCurrency }];
    }),
  );
}
