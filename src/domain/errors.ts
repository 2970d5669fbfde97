/**
 * Operating errors: what a caller can get wrong or what the world can do to us. Each carries a
 * stable code, the HTTP status the service answers with, and a message that says what to do.
 * Programmer errors are asserted with `assert` and never reach a caller as one of these.
 */
export const errorCodes = {
  FILLBOOK_ERR_MALFORMED_JSON: 400,
  FILLBOOK_ERR_BAD_REQUEST: 400,
  FILLBOOK_ERR_DUPLICATE_KEY: 400,
  FILLBOOK_ERR_INVALID_ENCODING: 400,
  FILLBOOK_ERR_TOO_DEEP: 400,
  FILLBOOK_ERR_REQUEST_TIMEOUT: 408,
  FILLBOOK_ERR_URI_TOO_LONG: 414,
  FILLBOOK_ERR_RATE_LIMITED: 429,
  FILLBOOK_ERR_HEADERS_TOO_LARGE: 431,
  FILLBOOK_ERR_DATABASE_UNAVAILABLE: 503,
  FILLBOOK_ERR_DATABASE_IN_USE: 409,
  FILLBOOK_ERR_UNAUTHORIZED: 401,
  FILLBOOK_ERR_FORBIDDEN: 403,
  FILLBOOK_ERR_NOT_FOUND: 404,
  FILLBOOK_ERR_PAYLOAD_TOO_LARGE: 413,
  FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  FILLBOOK_ERR_VALIDATION: 422,
  FILLBOOK_ERR_INTERNAL: 500,
  FILLBOOK_ERR_INVALID_INPUT: 422,
  FILLBOOK_ERR_INVALID_DECIMAL: 422,
  FILLBOOK_ERR_ACCOUNT_NOT_FOUND: 404,
  FILLBOOK_ERR_ORDER_NOT_FOUND: 404,
  FILLBOOK_ERR_INVALID_TRANSITION: 409,
  FILLBOOK_ERR_IDEMPOTENCY_CONFLICT: 409,
  FILLBOOK_ERR_IDEMPOTENCY_KEY_REUSED: 409,
  FILLBOOK_ERR_IDEMPOTENCY_IN_PROGRESS: 409,
  FILLBOOK_ERR_BROKER_ORDER_ID_CONFLICT: 409,
  FILLBOOK_ERR_DUPLICATE_FILL_CONFLICT: 409,
  FILLBOOK_ERR_DUPLICATE_FEE_CONFLICT: 409,
  FILLBOOK_ERR_OVERFILL: 409,
  FILLBOOK_ERR_INVALID_AMENDMENT: 422,
  FILLBOOK_ERR_EXPOSURE_EXCEEDED: 409,
  FILLBOOK_ERR_POSITION_NOT_FOUND: 404,
  FILLBOOK_ERR_POSITION_CONFLICT: 409,
  FILLBOOK_ERR_VENUE_UNAVAILABLE: 503,
  FILLBOOK_ERR_VENUE_REJECTED: 422,
  FILLBOOK_ERR_VENUE_UNSUPPORTED: 422,
  FILLBOOK_ERR_RECONCILIATION_RUNNING: 409,
  /** An import (or a reconciliation) of the account is already running; one at a time per account. */
  FILLBOOK_ERR_IMPORT_RUNNING: 409,
  /** A retry or a send of an order the bot sends: Fillbook sends only what it was asked to send. */
  FILLBOOK_ERR_NOT_SENT_BY_FILLBOOK: 409,
  /** The account is read-only toward its venue: Fillbook never places or cancels there. */
  FILLBOOK_ERR_ACCOUNT_OBSERVE_ONLY: 422,
  /** Fail closed: the account's latest reconciliation says the ledger may be wrong; entries wait. */
  FILLBOOK_ERR_ACCOUNT_UNRECONCILED: 409,
  /** Many writers changed the same rows at once; sending the same request again is safe. */
  FILLBOOK_ERR_BUSY: 503,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class FillbookError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'FillbookError';
    this.code = code;
    this.httpStatus = errorCodes[code];
    this.details = details;
  }
}

export function isFillbookError(error: unknown, code?: ErrorCode): error is FillbookError {
  return error instanceof FillbookError && (code === undefined || error.code === code);
}
