import { z } from 'zod';
import { Decimal, type VenueFeeReport } from '../../domain/index.js';
import { assetClassOf } from './tastytrade-mapping.js';
import { tastyDecimal, tastyInstant } from './tastytrade-schemas.js';

/**
 * tastytrade's fees, read from the account's transactions (`GET /accounts/{account_number}/transactions`):
 * an order's fills carry no fee (`legs[].fills[]` has none), each execution's fees are on its `Trade`
 * transaction, one amount per kind with its effect (`Debit` paid, `Credit` refunded, `None`), and a
 * fee of no order (the clearing fee of an assignment's `Receive Deliver`) on its own transaction.
 * A transaction as tastytrade's Go SDK test fixture has it (laustindasauce/tasty-go
 * `transactions_test.go`; test/venues/samples/tastytrade/transactions-sdk.json, trimmed here):
 *   {"id":2455333333,"symbol":"RIVN  230623C00015000","instrument-type":"Equity Option","transaction-type":"Trade",
 *    "regulatory-fees":"0.042","regulatory-fees-effect":"Debit","clearing-fees":"0.40","clearing-fees-effect":"Debit",
 *    "commission":"40.0","commission-effect":"Debit","proprietary-index-option-fees":"0.0",
 *    "proprietary-index-option-fees-effect":"None","is-estimated-fee":true,"order-id":272610989,...}
 */

/** The fee amounts a transaction carries, each with its `-effect` (tastytrade's Transaction schema). */
export const tastyFeeKinds = ['commission', 'clearing-fees', 'regulatory-fees', 'proprietary-index-option-fees', 'currency-conversion-fees', 'other-charge'] as const;
export type TastyFeeKind = (typeof tastyFeeKinds)[number];

const effects = ['Debit', 'Credit', 'None'] as const;
const signOf: Record<(typeof effects)[number], number> = { Debit: 1, Credit: -1, None: 0 };

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null || v === '' ? undefined : v), schema.optional());
const tastyId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).transform(String);

const transactionSchema = z.object({
  id: tastyId,
  'order-id': optional(tastyId),
  symbol: optional(z.string().min(1).max(64)),
  'instrument-type': optional(z.string().min(1).max(60)),
  'transaction-type': z.string().min(1).max(60),
  'executed-at': optional(tastyInstant),
  'transaction-date': optional(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)),
  currency: optional(z.string().regex(/^[A-Za-z0-9]{1,10}$/)),
  'is-estimated-fee': optional(z.boolean()),
});
const feeAmount = optional(tastyDecimal);
const feeEffect = optional(z.enum(effects));

export type TastyFeeParse =
  | { kind: 'fee'; report: VenueFeeReport }
  | { kind: 'nothing'; id: string }
  | { kind: 'unreadable'; id: string | null; reason: string; raw: unknown };

/**
 * One transaction's fees as one fee report: the sum of its fee kinds, each signed by its effect, in
 * the transaction's `currency` (tastytrade's accounts are in USD, which is what an absent one is).
 * Its id is the transaction's, so a transaction read twice is one fee. A fee without its effect, or
 * an effect without its amount, is unreadable rather than guessed.
 */
export function parseTastyTransactionFee(raw: unknown): TastyFeeParse {
  const id = typeof raw === 'object' && raw !== null && 'id' in raw ? String((raw as { id: unknown }).id) : null;
  const parsed = transactionSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'unreadable', id, reason: `tastytrade: transaction ${id ?? '(no id)'} cannot be read: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, raw };
  const t = parsed.data;
  const fields = raw as Record<string, unknown>;
  const unreadable = (reason: string): TastyFeeParse => ({ kind: 'unreadable', id: t.id, reason: `tastytrade: transaction ${t.id}: ${reason}`, raw });
  let amount = new Decimal(0);
  const charged: string[] = [];
  for (const kind of tastyFeeKinds) {
    const valueRead = feeAmount.safeParse(fields[kind]);
    const effectRead = feeEffect.safeParse(fields[`${kind}-effect`]);
    if (!valueRead.success) return unreadable(`${kind}: ${valueRead.error.issues[0]?.message ?? 'not a decimal'}`);
    if (!effectRead.success) return unreadable(`${kind}-effect ${JSON.stringify(fields[`${kind}-effect`])}: not Debit, Credit or None`);
    const value = valueRead.data;
    const effect = effectRead.data;
    if (value === undefined && effect === undefined) continue;
    if (value === undefined || effect === undefined) return unreadable(`${kind} without ${value === undefined ? 'its amount' : 'its effect'}`);
    if (value.isZero() || effect === 'None') continue;
    amount = amount.plus(value.abs().times(signOf[effect]));
    charged.push(kind);
  }
  if (charged.length === 0) return { kind: 'nothing', id: t.id };
  const chargedAt = t['executed-at'] ?? (t['transaction-date'] === undefined ? undefined : `${t['transaction-date']}T00:00:00.000Z`);
  if (chargedAt === undefined) return unreadable('has no time');
  let instrument: Pick<VenueFeeReport, 'symbol' | 'assetClass'> = { symbol: null, assetClass: null };
  if (t['order-id'] === undefined) {
    // A fee of no order is the account's, for the instrument it names; without one there is nothing to put it on.
    if (t.symbol === undefined || t['instrument-type'] === undefined) return unreadable('charges a fee of no order and names no instrument');
    try {
      instrument = { symbol: t.symbol, assetClass: assetClassOf(t['instrument-type'], `transaction ${t.id}`) };
    } catch (e) {
      return unreadable((e as Error).message);
    }
  }
  return {
    kind: 'fee',
    report: {
      feeId: `tastytrade:${t.id}`,
      venueOrderId: t['order-id'] ?? null,
      execId: null,
      ...instrument,
      amount,
      currency: t.currency?.toUpperCase() ?? 'USD',
      kind: `${t['transaction-type']}: ${charged.join(', ')}${t['is-estimated-fee'] === true ? ' (estimated)' : ''}`,
      chargedAt,
      raw,
    },
  };
}
