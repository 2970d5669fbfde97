import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, decimalCharsMax, isFillbookError, parseDecimal, validateFillRequest } from '../../src/domain/index.js';

const refusedCode = (value: unknown) => {
  try {
    parseDecimal(value, 'quantity');
  } catch (error) {
    return isFillbookError(error) ? error.code : String(error);
  }
  return 'accepted';
};

describe('decimal input', () => {
  it('takes a Decimal exactly when its text would be taken, and as the same value', () => {
    const texts = fc.oneof(
      fc.bigInt({ min: -(10n ** 70n), max: 10n ** 70n }).chain((n) => fc.nat({ max: 40 }).map((places) => new Decimal(n.toString()).div(new Decimal(10).pow(places)).toFixed())),
      fc.constantFrom('0', '-0', '0.000001', '1e-7', '123.4500', '1'.repeat(decimalCharsMax), '1'.repeat(decimalCharsMax + 1), `0.${'1'.repeat(decimalCharsMax - 2)}`),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const decimal = new Decimal(text);
        const fromText = refusedCode(decimal.toFixed());
        expect(refusedCode(decimal)).toBe(fromText);
        if (fromText === 'accepted') expect(parseDecimal(decimal, 'quantity').eq(parseDecimal(decimal.toFixed(), 'quantity'))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a Decimal that is not a finite number, and anything that is neither text nor a Decimal', () => {
    for (const value of [new Decimal(NaN), new Decimal(Infinity), new Decimal(-Infinity), 12.5, null, { d: [1], e: 0, s: 1 }]) {
      expect(refusedCode(value)).toBe('FILLBOOK_ERR_INVALID_DECIMAL');
    }
  });

  it('validates a fill given in Decimals as the same fill given in text', () => {
    const inText = validateFillRequest({ execId: 'X1', quantity: '2.5', price: '100.25', fee: '-0.01', executedAt: '2026-11-20T14:30:04.000Z' });
    const inDecimals = validateFillRequest({ execId: 'X1', quantity: new Decimal('2.5'), price: new Decimal('100.25'), fee: new Decimal('-0.01'), executedAt: '2026-11-20T14:30:04.000Z' });
    expect(JSON.stringify(inDecimals)).toBe(JSON.stringify(inText));
    expect(() => validateFillRequest({ execId: 'X1', quantity: new Decimal(0), price: new Decimal(1) })).toThrow(/greater than zero/);
    expect(() => validateFillRequest({ execId: 'X1', quantity: new Decimal(1), price: new Decimal(-1) })).toThrow(/negative/);
  });
});
