import { type Decimal, formatDecimal, parseDecimal } from './decimal.js';
import { FillbookError } from './errors.js';
import { legsFingerprint, legsMax, legsMin, type OrderLeg, positionEffects, type PositionEffect } from './order-legs.js';
import type { OrderSpec } from './order.js';
import {
  assetClasses,
  isOneOf,
  liquiditySides,
  orderRoles,
  orderSenders,
  orderSides,
  orderTypes,
  timesInForce,
  type AssetClass,
  type LiquiditySide,
  type OrderRole,
  type OrderSender,
  type OrderSide,
  type OrderType,
  type TimeInForce,
} from './vocabulary.js';

/** Bounds on caller-supplied strings; each is a length in characters. */
export const symbolCharsMax = 64;
export const clientOrderIdCharsMax = 128;
export const execIdCharsMax = 200;
export const reasonCharsMax = 1000;

/** What a caller asks to record, before validation. Decimals are strings. */
export interface OrderRequest {
  accountId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  quantity: string;
  limitPrice?: string | null;
  stopPrice?: string | null;
  timeInForce?: TimeInForce;
  positionId?: string | null;
  role?: OrderRole;
  clientOrderId?: string;
  assetClass?: AssetClass;
  /** Two to `legsMax` legs make a multi-leg order; absent or null for a single instrument. */
  legs?: readonly OrderLegRequest[] | null;
  /** Who places it at the venue (default `fillbook`; the router records `bot` for `submit: false`). */
  sentBy?: OrderSender;
}

/** One leg as a caller asks for it. */
export interface OrderLegRequest {
  symbol: string;
  assetClass: AssetClass;
  side: OrderSide;
  ratio: string;
  positionEffect?: PositionEffect | null;
}

/** A validated request; the asset class stays open when the caller left it to the order's position. */
export type ValidOrderRequest = Omit<OrderSpec, 'id' | 'clientOrderId' | 'origin' | 'brokerOrderId' | 'assetClass'> & {
  clientOrderId: string | null;
  assetClass: AssetClass | null;
};

export function invalid(field: string, message: string): FillbookError {
  return new FillbookError('FILLBOOK_ERR_INVALID_INPUT', `${field} ${message}`, { field });
}

export function requireOneOf<T extends string>(values: readonly T[], value: unknown, field: string): T {
  if (!isOneOf(values, value)) throw invalid(field, `must be one of ${values.join(', ')}; got ${JSON.stringify(value)}`);
  return value;
}

export function requireText(value: unknown, field: string, charsMax: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > charsMax || value.trim() !== value) {
    throw invalid(field, `must be a non-empty string of at most ${charsMax} characters without surrounding spaces`);
  }
  return value;
}

export function requirePositive(value: unknown, field: string): Decimal {
  const decimal = parseDecimal(value, field);
  if (!decimal.gt(0)) throw invalid(field, `must be greater than zero; got ${formatDecimal(decimal)}`);
  return decimal;
}

function optionalPrice(value: unknown, field: string): Decimal | null {
  return value === undefined || value === null ? null : requirePositive(value, field);
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !uuidPattern.test(value)) throw invalid(field, 'must be a UUID');
  return value.toLowerCase();
}

/** Validates an order request: bad input gets a coded error naming the field. */
export function validateOrderRequest(r: OrderRequest): ValidOrderRequest {
  const type = requireOneOf(orderTypes, r.type, 'type');
  // Read from venues so that one is understood, never placed: the request has no trail to give.
  if (type === 'trailing_stop') throw invalid('type', 'trailing_stop orders are read from venues, not placed through Fillbook; use stop or stop_limit');
  const limitPrice = optionalPrice(r.limitPrice, 'limit_price');
  const stopPrice = optionalPrice(r.stopPrice, 'stop_price');
  const needsLimit = type === 'limit' || type === 'stop_limit';
  const needsStop = type === 'stop' || type === 'stop_limit';
  if (needsLimit !== (limitPrice !== null)) throw invalid('limit_price', needsLimit ? `is required for a ${type} order` : `is not allowed for a ${type} order`);
  if (needsStop !== (stopPrice !== null)) throw invalid('stop_price', needsStop ? `is required for a ${type} order` : `is not allowed for a ${type} order`);
  const legs = validateLegs(r.legs);
  // A spread is priced net, per unit: a stop on a net price is not something venues offer.
  if (legs !== null && type !== 'market' && type !== 'limit') throw invalid('type', `must be market or limit for a multi-leg order; got ${type}`);
  // Legs that all trade one asset class give the order theirs unless the caller named one.
  const legClass = legs !== null && legs.every((l) => l.assetClass === legs[0]!.assetClass) ? legs[0]!.assetClass : null;
  return {
    accountId: requireUuid(r.accountId, 'account_id'),
    symbol: requireText(r.symbol, 'symbol', symbolCharsMax),
    side: requireOneOf(orderSides, r.side, 'side'),
    type,
    quantity: requirePositive(r.quantity, 'quantity'),
    limitPrice,
    stopPrice,
    timeInForce: requireOneOf(timesInForce, r.timeInForce ?? 'day', 'time_in_force'),
    positionId: r.positionId === undefined || r.positionId === null ? null : requireUuid(r.positionId, 'position_id'),
    role: requireOneOf(orderRoles, r.role ?? 'entry', 'role'),
    clientOrderId: r.clientOrderId === undefined ? null : requireText(r.clientOrderId, 'client_order_id', clientOrderIdCharsMax),
    assetClass: r.assetClass === undefined ? legClass : requireOneOf(assetClasses, r.assetClass, 'asset_class'),
    legs,
    sentBy: requireOneOf(orderSenders, r.sentBy ?? 'fillbook', 'sent_by'),
  };
}

/** Legs: none, or `legsMin`..`legsMax` with distinct symbols, each with a positive ratio. */
export function validateLegs(legs: readonly OrderLegRequest[] | null | undefined): OrderLeg[] | null {
  if (legs === undefined || legs === null) return null;
  if (!Array.isArray(legs) || legs.length < legsMin || legs.length > legsMax) {
    throw invalid('legs', `must hold ${legsMin} to ${legsMax} legs (leave it out for a single-instrument order); got ${Array.isArray(legs) ? legs.length : typeof legs}`);
  }
  const valid = legs.map((leg, i): OrderLeg => {
    const field = `legs[${i}]`;
    return {
      symbol: requireText(leg.symbol, `${field}.symbol`, symbolCharsMax),
      assetClass: requireOneOf(assetClasses, leg.assetClass, `${field}.asset_class`),
      side: requireOneOf(orderSides, leg.side, `${field}.side`),
      ratio: requirePositive(leg.ratio, `${field}.ratio`),
      positionEffect: leg.positionEffect === undefined || leg.positionEffect === null ? null : requireOneOf(positionEffects, leg.positionEffect, `${field}.position_effect`),
    };
  });
  const symbols = new Set<string>();
  for (const [i, leg] of valid.entries()) {
    if (symbols.has(leg.symbol)) throw invalid(`legs[${i}].symbol`, `repeats ${leg.symbol}; the legs of an order trade distinct instruments`);
    symbols.add(leg.symbol);
  }
  return valid;
}

/**
 * The canonical form of what was asked for, ignoring spelling differences that mean the same order
 * ("10" and "10.0"). Two requests with one client order id and different fingerprints conflict.
 */
export function orderFingerprint(r: Omit<OrderSpec, 'id' | 'clientOrderId' | 'origin' | 'brokerOrderId'>): string {
  const decimal = (d: Decimal | null) => (d === null ? null : formatDecimal(d));
  // Legs are appended only when there are some, so fingerprints stored before legs existed still match.
  return JSON.stringify([
    r.symbol, r.assetClass, r.side, r.type, decimal(r.quantity), decimal(r.limitPrice), decimal(r.stopPrice),
    r.timeInForce, r.positionId, r.role, ...(r.legs === null ? [] : [legsFingerprint(r.legs)]),
    // Who sends is part of the request: the same client order id once for Fillbook to send and once
    // as the bot's own is two different requests. Appended only for the bot, so that fingerprints
    // stored before it existed still match.
    ...(r.sentBy === 'bot' ? ['sent_by:bot'] : []),
  ]);
}

export interface FillRequest {
  execId: string;
  /** 1-based leg of a multi-leg order; required for such an order's fill, refused otherwise. */
  leg?: number | null;
  /** Decimal text ("12.5"), or a Decimal. */
  quantity: string | Decimal;
  price: string | Decimal;
  fee?: string | Decimal | null;
  feeCurrency?: string | null;
  liquidity?: LiquiditySide | null;
  executedAt?: string | Date | null;
}

export interface ValidFillRequest {
  execId: string;
  leg: number | null;
  quantity: Decimal;
  price: Decimal;
  fee: Decimal | null;
  feeCurrency: string | null;
  liquidity: LiquiditySide | null;
  executedAt: string | null;
}

export function validateFillRequest(r: FillRequest): ValidFillRequest {
  const price = parseDecimal(r.price, 'price');
  if (price.isNegative()) throw invalid('price', 'must not be negative');
  return {
    execId: requireText(r.execId, 'exec_id', execIdCharsMax),
    leg: r.leg === undefined || r.leg === null ? null : requireLegNumber(r.leg),
    quantity: requirePositive(r.quantity, 'quantity'),
    price,
    fee: r.fee === undefined || r.fee === null ? null : parseDecimal(r.fee, 'fee'),
    feeCurrency: r.feeCurrency === undefined || r.feeCurrency === null ? null : requireText(r.feeCurrency, 'fee_currency', 10),
    liquidity: r.liquidity === undefined || r.liquidity === null ? null : requireOneOf(liquiditySides, r.liquidity, 'liquidity'),
    executedAt: r.executedAt === undefined || r.executedAt === null ? null : requireTimestamp(r.executedAt, 'executed_at'),
  };
}

function requireLegNumber(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > legsMax) throw invalid('leg', `must be a leg number from 1 to ${legsMax}; got ${JSON.stringify(value)}`);
  return value;
}

/** A UTC timestamp as ISO-8601 with milliseconds; refuses what does not parse. */
export function requireTimestamp(value: unknown, field: string): string {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) throw invalid(field, 'must be an ISO-8601 timestamp');
  return date.toISOString();
}
