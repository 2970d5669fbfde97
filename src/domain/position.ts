import { averagePrice, Decimal, formatDecimal, priceDecimalPlaces, zero } from './decimal.js';
import { FillbookError } from './errors.js';
import type { Fill } from './fill.js';
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
  qtyEntered: Decimal;
  qtyExited: Decimal;
  qtyOpen: Decimal;
  avgEntryPrice: Decimal | null;
  avgExitPrice: Decimal | null;
  /** Realized P&L net of every fee paid on the position's orders so far. */
  realizedPnl: Decimal;
  fees: Decimal;
  openedAt: string | null;
  closedAt: string | null;
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

/**
 * Derives a position's figures from its orders and their fills, folding fills in execution order:
 * entries raise the open quantity and move the average entry price; exits (exit, stop-loss and
 * take-profit fills) lower it and realize (exit - entry) x quantity x multiplier, sign-flipped for a
 * short.
 */
export function derivePosition(spec: PositionSpec, orders: readonly Order[], fills: readonly Fill[]): Position {
  const roleOf = new Map(orders.map((o) => [o.id, o.role]));
  const ordered = [...fills].filter((f) => roleOf.has(f.orderId)).sort((a, b) => (a.executedAt < b.executedAt ? -1 : a.executedAt > b.executedAt ? 1 : a.execId < b.execId ? -1 : 1));
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
  for (const fill of ordered) {
    if (roleOf.get(fill.orderId) === 'entry') {
      const cost = (avgCost ?? zero).times(qtyOpen).plus(fill.price.times(fill.quantity));
      qtyOpen = qtyOpen.plus(fill.quantity);
      avgCost = cost.div(qtyOpen);
      qtyEntered = qtyEntered.plus(fill.quantity);
      entryNotional = entryNotional.plus(fill.price.times(fill.quantity));
      openedAt ??= fill.executedAt;
      flatAt = null;
    } else {
      gross = gross.plus(fill.price.minus(avgCost ?? fill.price).times(fill.quantity).times(spec.multiplier).times(direction));
      qtyOpen = qtyOpen.minus(fill.quantity);
      qtyExited = qtyExited.plus(fill.quantity);
      exitNotional = exitNotional.plus(fill.price.times(fill.quantity));
      if (qtyOpen.lte(0)) flatAt = fill.executedAt;
    }
  }
  const fees = orders.reduce((sum, o) => sum.plus(o.fees), zero);
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
    // The average cost can be a repeating decimal; P&L is rounded once, here, half to even.
    realizedPnl: gross.minus(fees).toDecimalPlaces(priceDecimalPlaces, Decimal.ROUND_HALF_EVEN),
    fees,
    openedAt,
    closedAt: status === 'closed' ? flatAt : null,
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
 * The duplicate-exposure guard, a pure check over the position's current orders (read under the
 * position's row lock): filled + working entry quantity + the new entry never exceeds the target;
 * working exits never exceed the open quantity; working protective orders of one kind never do either.
 */
export function checkExposure(position: PositionSpec, exposure: PositionExposure, request: ExposureRequest): void {
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
