/** Positions of signals and what is derived from fills: their figures, the account's holdings and performance. */
import {
  type AssetClass,
  assetClasses,
  defaultMultiplier,
  deriveHoldings,
  derivePosition,
  FillbookError,
  type Holding,
  performanceMetrics,
  type PerformanceMetrics,
  type Position,
  type PositionSide,
  positionSides,
  type PositionSpec,
  reportingCurrency,
  requireOneOf,
  requirePositive,
  requireText,
  requireUuid,
  symbolCharsMax,
} from '../domain/index.js';
import {
  type Database,
  insertPosition,
  selectAccount,
  selectHoldingFills,
  selectPosition,
  selectPositionFills,
  selectPositionOrders,
  selectPositionPage,
  selectPositions,
  selectRecordedFees,
  type SqlClient,
} from '../storage/index.js';
import { accountNotFound, type PositionRef, positionNotFound, resolvePosition } from './addressing.js';
import { listLimitMax } from './orders.js';

export interface CreatePositionInput {
  accountId: string;
  signalId: string;
  symbol: string;
  side: PositionSide;
  targetQuantity: string;
  assetClass?: AssetClass;
  /** Contract multiplier; 100 for options and 1 otherwise when absent. */
  multiplier?: string;
}

export class Positions {
  constructor(
    private readonly db: Database,
    private readonly now: () => string,
  ) {}

  /** Creates a position for a signal; idempotent on `signal_id` (same body: the original; else a conflict). */
  async create(input: CreatePositionInput): Promise<{ position: Position; created: boolean }> {
    const assetClass = requireOneOf(assetClasses, input.assetClass ?? 'equity', 'asset_class');
    const spec: PositionSpec = {
      id: crypto.randomUUID(),
      accountId: requireUuid(input.accountId, 'account_id'),
      signalId: requireText(input.signalId, 'signal_id', 200),
      symbol: requireText(input.symbol, 'symbol', symbolCharsMax),
      assetClass,
      side: requireOneOf(positionSides, input.side, 'side'),
      targetQuantity: requirePositive(input.targetQuantity, 'target_quantity'),
      multiplier: input.multiplier === undefined ? defaultMultiplier(assetClass) : requirePositive(input.multiplier, 'multiplier'),
      createdAt: this.now(),
    };
    return this.db.transaction(async (tx) => {
      const account = await selectAccount(tx, spec.accountId);
      if (account === undefined) throw accountNotFound(spec.accountId);
      if (await insertPosition(tx, spec)) return { position: derivePosition(spec, [], [], { accountCurrency: account.baseCurrency, recordedFees: [] }), created: true };
      const existing = await selectPosition(tx, spec.accountId, { by: 'signal_id', value: spec.signalId });
      if (existing === undefined) throw new Error('signal id conflicted but no position holds it');
      const same = (['symbol', 'assetClass', 'side'] as const).every((k) => existing[k] === spec[k]) && existing.targetQuantity.eq(spec.targetQuantity) && existing.multiplier.eq(spec.multiplier);
      if (!same) {
        throw new FillbookError('FILLBOOK_ERR_POSITION_CONFLICT', `signal_id ${spec.signalId} already has position ${existing.id} with a different body`, {
          signal_id: spec.signalId,
          position_id: existing.id,
        });
      }
      return { position: (await this.derive(tx, existing.accountId, [existing]))[0]!, created: false };
    });
  }

  async get(ref: PositionRef): Promise<Position> {
    const { accountId, key } = await resolvePosition(this.db, ref);
    return this.db.transaction(async (tx) => {
      const spec = await selectPosition(tx, accountId, key);
      if (spec === undefined) throw positionNotFound(key.value);
      return (await this.derive(tx, spec.accountId, [spec]))[0]!;
    });
  }

  async list(accountId: string): Promise<Position[]> {
    const id = requireUuid(accountId, 'account_id');
    return this.db.transaction(async (tx) => this.derive(tx, id, await selectPositions(tx, [id])));
  }

  /** A page of positions across the given accounts, newest first, with their derived figures. */
  async page(accountIds: readonly string[], after: { createdAt: string; id: string } | null, limit: number): Promise<Position[]> {
    return this.db.transaction(async (tx) => {
      const specs = await selectPositionPage(tx, accountIds, after, Math.min(limit, listLimitMax));
      const derived = new Map<string, Position>();
      for (const accountId of new Set(specs.map((p) => p.accountId))) {
        for (const p of await this.derive(tx, accountId, specs.filter((x) => x.accountId === accountId))) derived.set(p.id, p);
      }
      return specs.map((p) => derived.get(p.id)!);
    });
  }

  private async derive(tx: SqlClient, accountId: string, specs: readonly PositionSpec[]): Promise<Position[]> {
    if (specs.length === 0) return [];
    const ids = specs.map((p) => p.id);
    const [orders, fills] = [await selectPositionOrders(tx, accountId, ids), await selectPositionFills(tx, accountId, ids)];
    const recordedFees = orders.length === 0 ? [] : await selectRecordedFees(tx, accountId, orders.map((o) => o.id));
    const account = await selectAccount(tx, accountId);
    // Positions reference their account (a foreign key): a missing one is a broken database.
    if (account === undefined) throw new Error(`positions of account ${accountId} without the account`);
    const accountCurrency = account.baseCurrency;
    return specs.map((spec) => {
      const own = orders.filter((o) => o.positionId === spec.id);
      const ownIds = new Set(own.map((o) => o.id));
      return derivePosition(spec, own, fills.filter((f) => ownIds.has(f.orderId)), { accountCurrency, recordedFees: recordedFees.filter((f) => f.orderId !== null && ownIds.has(f.orderId)) });
    });
  }

  /** Net quantity and average cost per instrument, from every fill in the account. */
  async holdings(accountId: string): Promise<Holding[]> {
    const id = requireUuid(accountId, 'account_id');
    return this.db.transaction(async (tx) => deriveHoldings(await selectHoldingFills(tx, id), await selectRecordedFees(tx, id)));
  }

  /**
   * Performance over the closed positions quoted in `currency` (default: see `reportingCurrency`);
   * realized P&L per quote currency and fees per currency beside.
   */
  async performance(accountId: string, currency?: string): Promise<PerformanceMetrics> {
    const id = requireUuid(accountId, 'account_id');
    const account = await selectAccount(this.db, id);
    if (account === undefined) throw accountNotFound(accountId);
    const positions = await this.list(id);
    return performanceMetrics(positions, currency ?? reportingCurrency(positions, account.baseCurrency));
  }
}
