/** Value sets shared by orders, fills and accounts. Each is an `as const` array with its union type. */

export const orderSides = ['buy', 'sell'] as const;
export type OrderSide = (typeof orderSides)[number];

/**
 * `trailing_stop` is read from venues (Alpaca) so that such an order is understood rather than
 * refused; Fillbook does not place one (validateOrderRequest says so): its trail lives in the report.
 */
export const orderTypes = ['market', 'limit', 'stop', 'stop_limit', 'trailing_stop'] as const;
export type OrderType = (typeof orderTypes)[number];

export const timesInForce = ['day', 'gtc', 'ioc', 'fok', 'opg', 'cls'] as const;
export type TimeInForce = (typeof timesInForce)[number];

export const orderRoles = ['entry', 'exit', 'stop_loss', 'take_profit', 'manual'] as const;
export type OrderRole = (typeof orderRoles)[number];

export const orderOrigins = ['api', 'broker', 'reconciliation', 'import'] as const;
export type OrderOrigin = (typeof orderOrigins)[number];

/**
 * Who sends an order to the venue, fixed when the order is recorded: `fillbook` (recorded with
 * `submit: true`, Fillbook places it) or `bot` (recorded with `submit: false`: the bot places it
 * itself; orders adopted or imported from the venue were also placed by someone other than
 * Fillbook). Fillbook never places, re-places or retries an order it does not send.
 */
export const orderSenders = ['fillbook', 'bot'] as const;
export type OrderSender = (typeof orderSenders)[number];

export const assetClasses = ['equity', 'option', 'future', 'crypto'] as const;
export type AssetClass = (typeof assetClasses)[number];

export const liquiditySides = ['maker', 'taker'] as const;
export type LiquiditySide = (typeof liquiditySides)[number];

/** Who said that something happened to an order. */
export const eventSources = ['api', 'broker_stream', 'broker_poll', 'webhook', 'reconciliation', 'user', 'import'] as const;
export type EventSource = (typeof eventSources)[number];

export const venueNames = ['paper', 'alpaca', 'tradier', 'tastytrade', 'manual'] as const;

export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

/** A venue is one of the built-in names or `ccxt:<exchange>`. */
export function isVenueName(value: unknown): value is string {
  return isOneOf(venueNames, value) || (typeof value === 'string' && /^ccxt:[a-z0-9]{2,32}$/.test(value));
}
