import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import {
  isBinanceDuplicateIdError,
  isBybitDuplicateIdError,
  isOkxDuplicateIdError,
  parseCcxtConfig,
  readBinanceOrder,
  readBinanceTrade,
  readBybitExecution,
  readBybitOrder,
  readOkxFill,
  readOkxOrder,
} from '../../src/venues/ccxt/index.js';
import type { VenueFillReport, VenueOrderReport } from '../../src/venues/index.js';
import { changedPaths } from './samples/diff.js';
import { sample, samplesOf, type VenueSample } from './samples/samples.js';

/**
 * Every sample of the corpus through the parser that reads it in production, against what the
 * sample says it must give. `unparsed` samples must fail to read (the adapter keeps them raw).
 */

const decimalFields = new Set(['quantity', 'price', 'fee', 'filledQuantity', 'avgFillPrice', 'limitPrice', 'stopPrice']);
const view = (report: VenueFillReport | VenueOrderReport, keys: readonly string[]) =>
  Object.fromEntries(keys.map((k) => {
    const v = (report as unknown as Record<string, unknown>)[k];
    return [k, decimalFields.has(k) && v !== null && v !== undefined ? (v as { toFixed(): string }).toFixed() : v];
  }));

function checkRead(s: VenueSample, read: () => unknown): void {
  const { outcome, reason, ...fields } = s.expect;
  if (outcome === 'unparsed') {
    expect(read, s.file).toThrow(String(reason));
    return;
  }
  const got = read();
  if (outcome === 'not_a_fill') {
    expect(typeof got, s.file).toBe('symbol');
    return;
  }
  expect(typeof got, s.file).toBe('object');
  expect(view(got as VenueFillReport, Object.keys(fields)), s.file).toEqual(fields);
}

describe('venue sample corpus: bybit', () => {
  const samples = samplesOf('bybit');
  const bybit = new ccxt.bybit({});

  it('has samples of every kind, each naming its source', () => {
    expect(samples.length).toBeGreaterThanOrEqual(15);
    for (const s of samples) expect(s.source, s.file).toMatch(/ccxt|bybit-exchange\.github\.io/);
  });

  for (const s of samples) {
    it(`${s.file}: ${s.expect.outcome}`, () => {
      const config = parseCcxtConfig('ccxt:bybit', { environment: 'testnet', ...(s.category ? { category: s.category } : {}), ...(s.settleCoin ? { settleCoin: s.settleCoin } : {}) });
      if (s.kind === 'execution') return checkRead(s, () => readBybitExecution(s.payload, config, new Map()));
      if (s.kind === 'order') return checkRead(s, () => readBybitOrder(s.payload, config, new Map()));
      if (s.kind === 'error') {
        // Through ccxt's own error handling, as a live answer would go.
        const body = JSON.stringify(s.payload);
        let thrown: unknown;
        try {
          bybit.handleErrors(200, 'OK', 'https://api.bybit.com/v5/order/create', 'POST', {}, body, s.payload, {}, {});
        } catch (error) {
          thrown = error;
        }
        expect(thrown, s.file).toBeInstanceOf(ccxt.BaseError);
        expect(isBybitDuplicateIdError(thrown), s.file).toBe(s.expect.outcome === 'duplicate_client_order_id');
        return;
      }
      throw new Error(`${s.file}: no parser for kind ${s.kind}`);
    });
  }
});

describe('venue sample corpus: binance', () => {
  const samples = samplesOf('binance');
  const binance = new ccxt.binance({});

  it('has samples of every kind, each naming its source', () => {
    expect(samples.length).toBeGreaterThanOrEqual(10);
    for (const s of samples) expect(s.source, s.file).toMatch(/ccxt|developers\.binance\.com/);
  });

  for (const s of samples) {
    it(`${s.file}: ${s.expect.outcome}`, () => {
      const market = s.market === 'usdm' ? 'usdm' : 'spot';
      if (s.kind === 'order') return checkRead(s, () => readBinanceOrder(s.payload, market, new Map()));
      if (s.kind === 'trade') return checkRead(s, () => readBinanceTrade(s.payload, market));
      if (s.kind === 'error') {
        // Through ccxt's own error handling, with the production URL so that ccxt picks the market's error table.
        const url = market === 'spot' ? 'https://api.binance.com/api/v3/order' : 'https://fapi.binance.com/fapi/v1/order';
        let thrown: unknown;
        try {
          binance.handleErrors(400, 'Bad Request', url, 'POST', {}, JSON.stringify(s.payload), s.payload, {}, {});
        } catch (error) {
          thrown = error;
        }
        expect(thrown, s.file).toBeInstanceOf(ccxt.BaseError);
        expect(isBinanceDuplicateIdError(thrown), s.file).toBe(s.expect.outcome === 'duplicate_client_order_id');
        return;
      }
      throw new Error(`${s.file}: no parser for kind ${s.kind}`);
    });
  }
});

describe('venue sample corpus: okx', () => {
  const samples = samplesOf('okx');
  const okx = new ccxt.okx({});

  it('has samples of every kind, each naming its source', () => {
    expect(samples.length).toBeGreaterThanOrEqual(8);
    for (const s of samples) expect(s.source, s.file).toMatch(/ccxt|okx\.com/);
  });

  for (const s of samples) {
    it(`${s.file}: ${s.expect.outcome}`, () => {
      const instType = s.instType === 'SWAP' ? 'SWAP' : 'SPOT';
      if (s.kind === 'order') return checkRead(s, () => readOkxOrder(s.payload, instType, new Map()));
      if (s.kind === 'fill') return checkRead(s, () => readOkxFill(s.payload, new Map()));
      if (s.kind === 'error') {
        let thrown: unknown;
        try {
          okx.handleErrors(200, 'OK', 'https://www.okx.com/api/v5/trade/order', 'POST', {}, JSON.stringify(s.payload), s.payload, {}, {});
        } catch (error) {
          thrown = error;
        }
        expect(thrown, s.file).toBeInstanceOf(ccxt.BaseError);
        expect(isOkxDuplicateIdError(thrown), s.file).toBe(s.expect.outcome === 'duplicate_client_order_id');
        return;
      }
      throw new Error(`${s.file}: no parser for kind ${s.kind}`);
    });
  }
});

describe('venue sample corpus: derived samples', () => {
  // A sample no published source has (an execution type never shown, a status a venue may add) is a
  // verbatim sample with the fields it names changed, and nothing else.
  for (const venue of ['bybit', 'binance', 'okx']) {
    it(`${venue}: every derived sample differs from its verbatim source in exactly the fields it names`, () => {
      const derived = samplesOf(venue).filter((s) => s.derivedFrom !== undefined);
      expect(derived.length).toBeGreaterThan(0);
      for (const s of derived) {
        const base = sample(venue, String(s.derivedFrom).replace(/\.json$/, ''));
        expect(base.derivedFrom, `${s.file} derives from a derived sample`).toBeUndefined();
        expect(changedPaths(base.payload, s.payload).sort(), s.file).toEqual([...(s.changed as string[])].sort());
      }
    });
  }
});
