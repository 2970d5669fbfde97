import { averagePrice, Decimal, formatDecimal, priceDecimalPlaces, zero } from './decimal.js';
import { FillbookError } from './errors.js';
import { baseAssetFee, type FeeCharge, type FeesByCurrency, feesIn, instrumentCurrencies, type InstrumentCurrencies, type RecordedFee, sumFeesByCurrency } from './fees.js';
import type { Fill } from './fill.js';
import type { OrderLeg } from './order-legs.js';
import { isWorking } from './order-status.js';
import type { Order } from './order.js';
import type { AssetClass, OrderRole, OrderSide } from './vocabulary.js';

export const positionSides = ['long', 'short'] as const;
export type PositionSide = (typeof positionSides)[number];

export const positionStatuses = ['pending_entry', 'open', 'closing', 'closed', 'failed'] as const;
export type PositionStatus = (typeof positionStatuses)[number];

/** The roles an order attached to a position can have; `manual` orders stand alone. */
export const positionRoles = ['entry', 'exit', 'stop_loss', 'take_profit'] as const satisfies readonly OrderRole[];
export type PositionRole = (typeof positionRoles)[number];

/** What a strategy declares: the fields typed in. Everything else about a position is derived. */
export interface PositionSpec {
  id: string;
  accountId: string;
  signalId: string;
  symbol: string;
  assetClass: AssetClass;
  side: PositionSide;
  targetQuantity: Decimal;
  /** Contract multiplier for P&L: 100 for a standard equity option, 1 for shares and coins. */
  multiplier: Decimal;
  createdAt: string;
}

export interface Position extends PositionSpec {
  status: PositionStatus;
  /** Filled quantity of the entry orders (the orders' own terms, which the guard counts). */
  qtyEntered: Decimal;
  /** Filled quantity of the exit, stop-loss and take-profit orders. */
  qtyExited: Decimal;
  /**
   * The quantity held: entered less exited, less every fee taken in the base asset of a spot pair
   * (buying 1 BTC with a 0.001 BTC fee holds 0.999), so that it is what the venue's balance shows.
   */
  qtyOpen: Decimal;
  avgEntryPrice: Decimal | null;
  avgExitPrice: Decimal | null;
  /** What P&L and `fees` are in (see `instrumentCurrencies`). */
  quoteCurrency: string;
  /**
   * Realized P&L in the quote currency, net of the fees paid in the quote currency only. Fees in any
   * other currency (BNB, or the base asset) are in `feesByCurrency`, never converted or subtracted.
   */
  realizedPnl: Decimal;
  /** The fees paid in the quote currency: the ones realized P&L is net of. */
  fees: Decimal;
  /** Every fee paid on the position's orders, per currency: on the fills and reported later. */
  feesByCurrency: FeesByCurrency;
  openedAt: string | null;
  closedAt: string | null;
  /**
   * Per leg symbol, when the position holds a multi-leg order (then the quantities above count
   * units and its symbol is the orders' label); null for a single-instrument position.
   */
  legs: PositionLeg[] | null;
}

/** One instrument of a multi-leg position, in its own contracts and prices. */
export interface PositionLeg {
  symbol: string;
  assetClass: AssetClass;
  /** The side that opened the leg. */
  side: OrderSide;
  qtyOpened: Decimal;
  qtyClosed: Decimal;
  qtyOpen: Decimal;
  avgOpenPrice: Decimal | null;
  avgClosePrice: Decimal | null;
  /** Gross of fees, with the leg's own multiplier. */
  realizedPnl: Decimal;
}

export function defaultMultiplier(assetClass: AssetClass): Decimal {
  return new Decimal(assetClass === 'option' ? 100 : 1);
}

/** The order side that opens a position of this side; the other side closes it. */
export function entrySide(side: PositionSide): OrderSide {
  return side === 'long' ? 'buy' : 'sell';
}

export function sideForRole(side: PositionSide, role: PositionRole): OrderSide {
  const opening = entrySide(side);
  return role === 'entry' ? opening : opening === 'buy' ? 'sell' : 'buy';
}

/** What a position's fees need besides its orders and fills. */
export interface PositionFeeContext {
  /** The account's base currency: the quote currency of anything that is not a currency pair. */
  accountCurrency: string;
  /** Fees reported apart from the fills (only those of the position's orders count). */
  recordedFees: readonly RecordedFee[];
}

/** A step of a position's fold: a fill, or a fee reported later that takes base asset away. */
type FoldStep = { at: string; key: string; fill: Fill; baseFee: Decimal } | { at: string; key: string; fill: null; baseFee: Decimal };

const byTimeThenKey = (a: { at: string; key: string }, b: { at: string; key: string }) =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

/** The fees of a position's orders: those on its fills and those reported later for its orders. */
function positionFees(orderIds: ReadonlySet<string>, fills: readonly Fill[], recorded: readonly RecordedFee[]): { charges: FeeCharge[]; late: RecordedFee[] } {
  const late = recorded.filter((f) => f.orderId !== null && orderIds.has(f.orderId));
  const charges: FeeCharge[] = [...fills.map((f) => ({ amount: f.fee, currency: f.feeCurrency })), ...late.map((f) => ({ amount: f.amount, currency: f.currency }))];
  return { charges, late };
}

/**
 * Derives a position's figures from its orders and their fills, folding fills in execution order:
 * entries raise the open quantity and move the average entry price; exits (exit, stop-loss and
 * take-profit fills) lower it and realize (exit - entry) x quantity x multiplier, sign-flipped for a
 * short. A fee taken in the base asset of a spot pair lowers the open quantity (it is base asset the
 * account no longer holds) without moving the average cost and without entering P&L: it is a fee in
 * another currency than the quote, shown in `feesByCurrency`. A fee reported later for a fill counts
 * at that fill's time, one for an order at the time it was charged.
 */
export function derivePosition(spec: PositionSpec, orders: readonly Order[], fills: readonly Fill[], context: PositionFeeContext): Position {
  const currencies = instrumentCurrencies(spec.symbol, spec.assetClass, context.accountCurrency);
  if (orders.some((o) => o.legs !== null)) return deriveLegPosition(spec, orders, fills, context, currencies);
  const roleOf = new Map(orders.map((o) => [o.id, o.role]));
  const own = fills.filter((f) => roleOf.has(f.orderId));
  const { charges, late } = positionFees(new Set(roleOf.keys()), own, context.recordedFees);
  const fillAt = new Map(own.map((f) => [f.execId, f.executedAt]));
  const steps: FoldStep[] = [
    ...own.map((fill) => ({ at: fill.executedAt, key: fill.execId, fill, baseFee: baseAssetFee({ amount: fill.fee, currency: fill.feeCurrency }, currencies) })),
    ...late.map((fee) => {
      const at = fee.execId === null ? undefined : fillAt.get(fee.execId);
      // After its fill (the key sorts after the exec id), or at its own time.
      return { at: at ?? fee.chargedAt, key: at === undefined ? `~${fee.feeId}` : `${fee.execId}\u0000${fee.feeId}`, fill: null, baseFee: baseAssetFee(fee, currencies) };
    }),
  ].sort(byTimeThenKey);
  const direction = spec.side === 'long' ? 1 : -1;
  let qtyOpen = zero;
  let qtyEntered = zero;
  let qtyExited = zero;
  let entryNotional = zero;
  let exitNotional = zero;
  let avgCost: Decimal | null = null;
  let gross = zero;
  let openedAt: string | null = null;
  let flatAt: string | null = null;
  for (const { at, fill, baseFee } of steps) {
    if (fill !== null && roleOf.get(fill.orderId) === 'entry') {
      // The average is of the prices paid, weighted by what is held and what this fill adds.
      const held = Decimal.max(qtyOpen, 0);
      avgCost = (avgCost ?? zero).times(held).plus(fill.price.times(fill.quantity)).div(held.plus(fill.quantity));
      qtyOpen = qtyOpen.plus(fill.quantity);
      qtyEntered = qtyEntered.plus(fill.quantity);
      entryNotional = entryNotional.plus(fill.price.times(fill.quantity));
      openedAt ??= fill.executedAt;
      flatAt = null;
    } else if (fill !== null) {
      gross = gross.plus(fill.price.minus(avgCost ?? fill.price).times(fill.quantity).times(spec.multiplier).times(direction));
      qtyOpen = qtyOpen.minus(fill.quantity);
      qtyExited = qtyExited.plus(fill.quantity);
      exitNotional = exitNotional.plus(fill.price.times(fill.quantity));
    }
    // Base asset paid as a fee leaves the holding: a long holds less, a short owes more.
    qtyOpen = qtyOpen.minus(baseFee.times(direction));
    const entry = fill !== null && roleOf.get(fill.orderId) === 'entry';
    // Flat at the exit that made it so; a late fee moves that time only when the fee itself did.
    if (qtyOpen.gt(0)) flatAt = null;
    else if (!entry && qtyEntered.gt(0)) flatAt = fill !== null ? at : (flatAt ?? at);
  }
  const feesByCurrency = sumFeesByCurrency(charges, currencies);
  const fees = feesIn(feesByCurrency, currencies.quote);
  const working = (role: PositionRole) => orders.some((o) => o.role === role && isWorking(o.status));
  const entries = orders.filter((o) => o.role === 'entry');
  let status: PositionStatus;
  if (qtyEntered.isZero()) status = entries.length > 0 && !working('entry') ? 'failed' : 'pending_entry';
  else if (qtyOpen.lte(0) && !working('entry')) status = 'closed';
  else status = working('exit') ? 'closing' : 'open';
  return {
    ...spec,
    status,
    qtyEntered,
    qtyExited,
    qtyOpen,
    avgEntryPrice: qtyEntered.isZero() ? null : averagePrice(entryNotional, qtyEntered),
    avgExitPrice: qtyExited.isZero() ? null : averagePrice(exitNotional, qtyExited),
    quoteCurrency: currencies.quote,
    // The average cost can be a repeating decimal; P&L is rounded once, here, half to even.
    realizedPnl: gross.minus(fees).toDecimalPlaces(priceDecimalPlaces, Decimal.ROUND_HALF_EVEN),
    fees,
    feesByCurrency,
    openedAt,
    closedAt: status === 'closed' ? flatAt : null,
    legs: null,
  };
}

function positionStatus(orders: readonly Order[], qtyEntered: Decimal, qtyOpen: Decimal): PositionStatus {
  const working = (role: PositionRole) => orders.some((o) => o.role === role && isWorking(o.status));
  const entries = orders.filter((o) => o.role === 'entry');
  if (qtyEntered.isZero()) return entries.length > 0 && !working('entry') ? 'failed' : 'pending_entry';
  if (qtyOpen.lte(0) && !working('entry')) return 'closed';
  return working('exit') ? 'closing' : 'open';
}

/** The legs of an order; a single-instrument order in a multi-leg position is its own one leg. */
function legsOf(order: Order): readonly OrderLeg[] {
  return order.legs ?? [{ symbol: order.symbol, assetClass: order.assetClass, side: order.side, ratio: new Decimal(1), positionEffect: null }];
}

/**
 * A position that holds multi-leg orders. Its quantities count units (the orders' complete units)
 * and its average prices are net prices per unit, weighted by units. Realized P&L is computed per
 * leg symbol: entry orders' fills open the leg, exit/stop-loss/take-profit fills close it, and the
 * leg realizes (average close - average open) x closed contracts x the leg's multiplier, negated
 * for a leg opened with a sell. Averages are over all of a leg's opening and closing fills, so the
 * result does not depend on the order fills arrive in (a position that re-opens after closing is
 * then averaged across both openings, which is how a spread's trader reads it). The position's P&L
 * is the legs' sum less the fees paid in the quote currency, rounded once.
 */
function deriveLegPosition(spec: PositionSpec, orders: readonly Order[], fills: readonly Fill[], context: PositionFeeContext, currencies: InstrumentCurrencies): Position {
  const orderOf = new Map(orders.map((o) => [o.id, o]));
  const book = new Map<string, { leg: OrderLeg; side: OrderSide | null; opened: Decimal; openNotional: Decimal; closed: Decimal; closeNotional: Decimal }>();
  const ordered = [...fills].filter((f) => orderOf.has(f.orderId)).sort((a, b) => (a.executedAt < b.executedAt ? -1 : a.executedAt > b.executedAt ? 1 : a.execId < b.execId ? -1 : 1));
  let openedAt: string | null = null;
  let lastFillAt: string | null = null;
  for (const fill of ordered) {
    const order = orderOf.get(fill.orderId)!;
    const leg = legsOf(order)[(fill.leg ?? 1) - 1];
    if (leg === undefined) continue; // refused by the order's fold; never recorded
    const key = `${leg.assetClass}:${leg.symbol}`;
    const b = book.get(key) ?? { leg, side: null, opened: zero, openNotional: zero, closed: zero, closeNotional: zero };
    const notional = fill.quantity.times(fill.price);
    if (order.role === 'entry') {
      b.opened = b.opened.plus(fill.quantity);
      b.openNotional = b.openNotional.plus(notional);
      b.side ??= leg.side;
      openedAt ??= fill.executedAt;
    } else {
      b.closed = b.closed.plus(fill.quantity);
      b.closeNotional = b.closeNotional.plus(notional);
      // A close seen before any open says the opening side by being its opposite.
      b.side ??= leg.side === 'buy' ? 'sell' : 'buy';
    }
    lastFillAt = fill.executedAt;
    book.set(key, b);
  }
  let gross = zero;
  const legs: PositionLeg[] = [...book.values()].map((b) => {
    const side = b.side ?? b.leg.side;
    const avgOpen = b.opened.isZero() ? null : b.openNotional.div(b.opened);
    const avgClose = b.closed.isZero() ? null : b.closeNotional.div(b.closed);
    const pnl = avgClose === null ? zero : avgClose.minus(avgOpen ?? avgClose).times(b.closed).times(defaultMultiplier(b.leg.assetClass)).times(side === 'buy' ? 1 : -1);
    gross = gross.plus(pnl);
    const round = (d: Decimal) => d.toDecimalPlaces(priceDecimalPlaces, Decimal.ROUND_HALF_EVEN);
    return {
      symbol: b.leg.symbol,
      assetClass: b.leg.assetClass,
      side,
      qtyOpened: b.opened,
      qtyClosed: b.closed,
      qtyOpen: b.opened.minus(b.closed),
      avgOpenPrice: avgOpen === null ? null : round(avgOpen),
      avgClosePrice: avgClose === null ? null : round(avgClose),
      realizedPnl: round(pnl),
    };
  });
  const units = (entry: boolean) => {
    const own = orders.filter((o) => (o.role === 'entry') === entry && !o.qtyFilled.isZero());
    const qty = own.reduce((sum, o) => sum.plus(o.qtyFilled), zero);
    const notional = own.reduce((sum, o) => sum.plus((o.avgFillPrice ?? zero).times(o.qtyFilled)), zero);
    return { qty, avg: qty.isZero() ? null : averagePrice(notional, qty) };
  };
  const entered = units(true);
  const exited = units(false);
  const qtyOpen = entered.qty.minus(exited.qty);
  const { charges } = positionFees(new Set(orderOf.keys()), fills.filter((f) => orderOf.has(f.orderId)), context.recordedFees);
  const feesByCurrency = sumFeesByCurrency(charges, currencies);
  const fees = feesIn(feesByCurrency, currencies.quote);
  const status = positionStatus(orders, entered.qty, qtyOpen);
  return {
    ...spec,
    status,
    qtyEntered: entered.qty,
    qtyExited: exited.qty,
    qtyOpen,
    avgEntryPrice: entered.avg,
    avgExitPrice: exited.avg,
    quoteCurrency: currencies.quote,
    realizedPnl: gross.minus(fees).toDecimalPlaces(priceDecimalPlaces, Decimal.ROUND_HALF_EVEN),
    fees,
    feesByCurrency,
    openedAt,
    closedAt: status === 'closed' ? lastFillAt : null,
    legs: legs.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)),
  };
}

/** An order as the guard sees it: what it asks for and where it stands. */
export interface ExposureRequest {
  role: PositionRole;
  side: OrderSide;
  symbol: string;
  /** The quantity the request adds to what is working. */
  quantity: Decimal;
}

export type GuardOrder = Pick<Order, 'role' | 'status' | 'quantity' | 'qtyFilled'>;

/** What the guard needs, from the orders alone (their filled quantities, not their fills). */
export interface PositionExposure {
  qtyEntered: Decimal;
  qtyOpen: Decimal;
  working: Record<PositionRole, Decimal>;
}

export function positionExposure(orders: readonly GuardOrder[]): PositionExposure {
  const filled = (roles: readonly OrderRole[]) => orders.filter((o) => roles.includes(o.role)).reduce((sum, o) => sum.plus(o.qtyFilled), zero);
  const working = (role: PositionRole) =>
    orders.filter((o) => o.role === role && isWorking(o.status)).reduce((sum, o) => sum.plus(o.quantity.minus(o.qtyFilled)), zero);
  const qtyEntered = filled(['entry']);
  return {
    qtyEntered,
    qtyOpen: qtyEntered.minus(filled(['exit', 'stop_loss', 'take_profit'])),
    working: { entry: working('entry'), exit: working('exit'), stop_loss: working('stop_loss'), take_profit: working('take_profit') },
  };
}

/**
 * The duplicate-exposure guard, a pure check over the position's current orders: filled + working
 * entry quantity + the new entry never exceeds the target; working exits never exceed the open
 * quantity; working protective orders of one kind never do either. Storage mirrors this rule in the
 * statement that records a guarded order (`insertGuardedOrder`); a property test keeps them equal.
 */
export function checkExposure(position: PositionSpec, exposure: PositionExposure, request: ExposureRequest): void {
  checkFitsPosition(position, request);
  const working = exposure.working[request.role];
  const requested = formatDecimal(request.quantity);
  if (request.role === 'entry') {
    const { targetQuantity: target } = position;
    if (exposure.qtyEntered.plus(working).plus(request.quantity).gt(target)) {
      const room = Decimal.max(0, target.minus(exposure.qtyEntered).minus(working));
      throw new FillbookError(
        'FILLBOOK_ERR_EXPOSURE_EXCEEDED',
        `entry refused for position ${position.id}: target ${formatDecimal(target)}, filled ${formatDecimal(exposure.qtyEntered)}, working ${formatDecimal(working)}, requested ${requested}; at most ${formatDecimal(room)} more may be entered`,
        { position_id: position.id, role: 'entry', target: formatDecimal(target), filled: formatDecimal(exposure.qtyEntered), working: formatDecimal(working), requested },
      );
    }
    return;
  }
  const open = Decimal.max(exposure.qtyOpen, 0);
  if (working.plus(request.quantity).gt(open)) {
    throw new FillbookError(
      'FILLBOOK_ERR_EXPOSURE_EXCEEDED',
      `${request.role} refused for position ${position.id}: open ${formatDecimal(open)}, working ${request.role} ${formatDecimal(working)}, requested ${requested}; ${request.role} orders may not exceed the open quantity`,
      { position_id: position.id, role: request.role, open: formatDecimal(open), working: formatDecimal(working), requested },
    );
  }
}

/** What the guard checks without the position's orders: the order trades the position's symbol, on the side its role needs. */
export function checkFitsPosition(position: PositionSpec, request: Pick<ExposureRequest, 'role' | 'side' | 'symbol'>): void {
  if (request.symbol !== position.symbol) {
    throw new FillbookError('FILLBOOK_ERR_INVALID_INPUT', `position ${position.id} trades ${position.symbol}; the order is for ${request.symbol}`, {
      field: 'symbol',
      position_id: position.id,
    });
  }
  const expectedSide = sideForRole(position.side, request.role);
  if (request.side !== expectedSide) {
    throw new FillbookError('FILLBOOK_ERR_INVALID_INPUT', `an ${request.role} order for a ${position.side} position must ${expectedSide}; got ${request.side}`, {
      field: 'side',
      position_id: position.id,
    });
  }
}
