import type * as Ccxt from 'ccxt';

/** The ccxt module; passed in rather than imported so that ccxt (a large module) loads only when a ccxt account is used. */
export type CcxtModule = typeof Ccxt;

/**
 * What a failed ccxt call lets us conclude:
 * - `refused`: the exchange turned the request away without acting (HTTP 429, Bybit retCode 10006): safe to repeat after a pause.
 * - `unsent`: the connection was never made: safe to repeat.
 * - `ambiguous`: it may have been acted on (timeout, dropped connection, 5xx, an exchange error we cannot place).
 * - `auth`: credentials, permissions or the clock (a stale signature): an operator must act.
 * - `rejected`: the exchange refused this request for what it asks (bad order, no funds).
 * - `not_found`: no such order.
 */
export type CcxtFailure = 'refused' | 'unsent' | 'ambiguous' | 'auth' | 'rejected' | 'not_found';

/** ccxt folds connection failures into NetworkError; its message keeps the transport's code. */
const unsentPattern = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT)\b/;

export function classifyCcxtError(ccxt: CcxtModule, error: unknown): CcxtFailure | null {
  if (!(error instanceof ccxt.BaseError)) return null;
  if (error instanceof ccxt.RateLimitExceeded || error instanceof ccxt.DDoSProtection) return 'refused';
  if (error instanceof ccxt.InvalidNonce) return 'auth'; // the request was refused as expired: the clock is off
  if (error instanceof ccxt.NetworkError) return unsentPattern.test(error.message) ? 'unsent' : 'ambiguous';
  if (error instanceof ccxt.AuthenticationError || error instanceof ccxt.AccountNotEnabled) return 'auth';
  if (error instanceof ccxt.OrderNotFound) return 'not_found';
  if (
    error instanceof ccxt.InvalidOrder ||
    error instanceof ccxt.InsufficientFunds ||
    error instanceof ccxt.BadRequest ||
    error instanceof ccxt.ArgumentsRequired ||
    error instanceof ccxt.NotSupported ||
    error instanceof ccxt.OperationRejected ||
    error instanceof ccxt.MarketClosed
  ) {
    return 'rejected';
  }
  // A bare ExchangeError (Bybit 10016 "system error", an unmapped code): it may have been acted on.
  return 'ambiguous';
}

/** The exchange refused an order because its client order id is already used: the first order exists. */
export class DuplicateClientOrderId extends Error {
  constructor(readonly clientOrderId: string) {
    super(`client order id ${clientOrderId} is already used at the exchange`);
    this.name = 'DuplicateClientOrderId';
  }
}

/** An exchange's message without anything ccxt prefixes: never the request, which may carry signed parameters. */
export function ccxtMessage(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 500) : String(error);
}
