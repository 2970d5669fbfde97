import { Decimal as DecimalJs } from 'decimal.js';
import { FillbookError } from './errors.js';

/**
 * The one decimal type for quantities, prices, fees and P&L. decimal.js rounds every operation to
 * `precision` significant digits, so the precision is set far above anything a venue sends: sums
 * and products of ledger values stay exact. Rounding happens only where a division does (average
 * prices), at `priceDecimalPlaces`, half to even.
 */
export const Decimal = DecimalJs.clone({ precision: 80, rounding: DecimalJs.ROUND_HALF_EVEN, toExpNeg: -80, toExpPos: 80 });
export type Decimal = InstanceType<typeof Decimal>;

export const priceDecimalPlaces = 12;
export const decimalCharsMax = 64;

/** Plain decimal notation only: no exponents, no signs other than a leading minus, no spaces. */
const decimalPattern = /^-?(0|[1-9]\d*)(\.\d+)?$/;

export const zero: Decimal = new Decimal(0);

/**
 * Parses a decimal string from the edge (JSON, SQL numeric), or takes a Decimal already held to the
 * same bounds; refuses anything else with a coded error.
 */
export function parseDecimal(value: unknown, field: string): Decimal {
  if (typeof value === 'string' && value.length <= decimalCharsMax && decimalPattern.test(value)) return new Decimal(value);
  // A venue report's or a library caller's Decimal: its text is not written to be read back.
  if (value instanceof Decimal && value.isFinite() && fixedLength(value) <= decimalCharsMax) return value;
  throw new FillbookError(
    'FILLBOOK_ERR_INVALID_DECIMAL',
    `${field} must be a decimal string such as "12.5" (no exponent, at most ${decimalCharsMax} characters); got ${JSON.stringify(value)}`,
    { field },
  );
}

/** The length of a finite decimal's `toFixed()` text, without writing it. */
function fixedLength(value: Decimal): number {
  const places = value.decimalPlaces();
  return (value.isNegative() && !value.isZero() ? 1 : 0) + Math.max(1, value.e + 1) + (places > 0 ? places + 1 : 0);
}

/** Reads a numeric column that PostgreSQL returns as a string. */
export function decimalFromSql(value: string): Decimal {
  return new Decimal(value);
}

/** Canonical text for SQL and JSON: plain notation, never exponential. */
export function formatDecimal(value: Decimal): string {
  return value.toFixed();
}

/** Quantity-weighted mean price, rounded half to even at `priceDecimalPlaces`, trailing zeros dropped. */
export function averagePrice(notional: Decimal, quantity: Decimal): Decimal {
  return notional.div(quantity).toDecimalPlaces(priceDecimalPlaces, Decimal.ROUND_HALF_EVEN);
}
