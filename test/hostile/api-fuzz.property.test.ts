import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import * as s from '../../src/server/schemas.js';
import { importCreate } from '../../src/server/routes/imports.js';
import { describeEachEngine } from '../support/backends.js';
import { type Client, httpHarness } from '../support/http.js';

/**
 * Issue 13: a property-based fuzzer over the API. Each route's request schema (the same zod schema
 * that validates it) is turned into a fast-check arbitrary through its JSON Schema: mostly valid
 * bodies, with fields dropped, replaced by arbitrary JSON, or given hostile text. Whatever comes out,
 * the service answers below 500 in the error shape. Bounded: `runsPerRoute` bodies per route and
 * `timeLimitMs` per route.
 */
const runsPerRoute = 40;
const timeLimitMs = 20_000;

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; required?: string[]; enum?: unknown[]; const?: unknown; pattern?: string; format?: string; items?: JsonSchema; minItems?: number; maxItems?: number; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; minimum?: number; maximum?: number; minLength?: number; maxLength?: number; additionalProperties?: unknown };

const hostileText = fc.constantFrom('A\u0000B', "'; drop table orders; --", '\ud800', '名前🚀', '1e3', '-0', 'NaN', 'Infinity', '9'.repeat(40), '0000-01-01T00:00:00Z', '10000-01-01T00:00:00Z', '', ' ', '%00', '../../etc/passwd');
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileText);

function arbitraryOf(schema: JsonSchema, ids: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined) return fc.oneof(...alternatives.map((a) => arbitraryOf(a, ids)));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, property] of properties) record[key] = arbitraryOf(property, ids);
      return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k) => k in record) });
    }
    case 'array':
      return fc.array(arbitraryOf(schema.items ?? {}, ids), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'string':
      if (schema.format === 'uuid') return ids;
      if (schema.format === 'date-time') return fc.date({ min: new Date('1960-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern)).filter((v) => v.length <= (schema.maxLength ?? 64));
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.double({ noNaN: true });
    case 'boolean':
      return fc.boolean();
    default:
      return anyJson;
  }
}

/** A body from the schema, then perhaps damaged: a field replaced by arbitrary JSON or hostile text, or an extra field. */
function bodies(schema: z.ZodType, ids: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const valid = arbitraryOf(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema, ids);
  return fc.oneof(
    valid,
    fc.tuple(valid, fc.string({ maxLength: 12 }), anyJson).map(([body, key, value]) => (typeof body === 'object' && body !== null ? { ...body, [Object.keys(body)[0] ?? key]: value } : body)),
    fc.tuple(valid, fc.string({ maxLength: 12 }), anyJson).map(([body, key, value]) => (typeof body === 'object' && body !== null ? { ...body, [key]: value } : body)),
    anyJson,
  );
}

describeEachEngine('API fuzzer: no 5xx', (h) => {
  let harness: Awaited<ReturnType<typeof httpHarness>>;
  let alice: Client;
  let known: { account: string; manual: string; order: string; broker: string; position: string };
  beforeAll(async () => {
    harness = await httpHarness(h().ledger, { reconcileAtStart: false, reconcileIntervalMs: 0 });
    ({ alice } = harness);
    const account = ((await alice.post('/v1/accounts', { name: 'fuzz', venue: 'paper', venue_config: { fillMode: 'manual', latencyMs: 0 } })).json() as { id: string }).id;
    const manual = ((await alice.post('/v1/accounts', { name: 'fuzz-m', venue: 'manual' })).json() as { id: string }).id;
    const order = (await alice.post('/v1/orders', { account_id: account, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '100', limit_price: '10' })).json() as { id: string; broker_order_id: string };
    const position = ((await alice.post('/v1/positions', { account_id: account, signal_id: 'fz', symbol: 'AAPL', side: 'long', target_quantity: '10' })).json() as { id: string }).id;
    known = { account, manual, order: order.id, broker: order.broker_order_id, position };
  });
  afterAll(async () => harness.close());

  const routes: [string, (k: typeof known) => string, z.ZodType][] = [
    ['POST /v1/accounts', () => '/v1/accounts', s.accountCreate],
    ['POST /v1/positions', () => '/v1/positions', s.positionCreate],
    ['POST /v1/orders', () => '/v1/orders', s.orderCreate],
    ['POST /v1/orders/{id}/events', (k) => `/v1/orders/${k.order}/events`, s.orderEventCreate],
    ['POST /v1/fills', () => '/v1/fills', s.fillCreate],
    ['POST /v1/fills/batch', () => '/v1/fills/batch', s.fillBatchCreate],
    ['POST /v1/imports', () => '/v1/imports', importCreate],
    ['POST /v1/paper/…/fill', (k) => `/v1/paper/${k.account}/orders/${k.broker}/fill`, s.paperFill],
    ['POST /v1/paper/…/orders', (k) => `/v1/paper/${k.account}/orders`, s.paperOrder],
    ['POST /v1/fees', () => '/v1/fees', s.feeCreate],
    ['POST /v1/reconciliations', () => '/v1/reconciliations', s.reconciliationCreate],
  ];

  for (const [name, url, schema] of routes) {
    it(`${name}: ${runsPerRoute} generated bodies, every answer below 500 in the error shape`, async () => {
      const ids = fc.constantFrom(known.account, known.manual, known.order, known.position, '00000000-0000-4000-8000-000000000000');
      const fives: string[] = [];
      await fc.assert(
        fc.asyncProperty(bodies(schema, ids), async (body) => {
          const res = await alice.post(url(known), JSON.stringify(body) ?? 'null');
          if (res.statusCode >= 500) fives.push(`${res.statusCode} ${res.body} for ${JSON.stringify(body)}`);
          if (res.statusCode >= 400) expect(Object.keys((res.json() as { error: object }).error).sort()).toEqual(['code', 'details', 'message']);
          return res.statusCode < 500;
        }),
        { numRuns: runsPerRoute, interruptAfterTimeLimit: timeLimitMs, seed: 13 },
      );
      expect(fives).toEqual([]);
    }, timeLimitMs * 3);
  }

  it(`GET /v1/orders and /v1/positions: ${runsPerRoute} generated query strings, none a 5xx`, async () => {
    const query = fc.dictionary(fc.constantFrom('account_id', 'status', 'symbol', 'position_id', 'signal_id', 'since', 'limit', 'cursor', 'x'), fc.oneof(fc.string({ maxLength: 30 }), hostileText, fc.constant(known.account)), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(query, fc.constantFrom('/v1/orders', '/v1/positions', `/v1/orders/${known.order}/fills`), async (q, path) => {
        const res = await alice.get(`${path}?${new URLSearchParams(q).toString()}`);
        return res.statusCode < 500;
      }),
      { numRuns: runsPerRoute, interruptAfterTimeLimit: timeLimitMs, seed: 13 },
    );
  }, timeLimitMs * 3);
});
