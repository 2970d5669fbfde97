import { expect, it } from 'vitest';
import { z } from 'zod';
import { responseSerializerCompiler } from '../../src/server/serializer.js';

const compile = (schema: z.ZodType) => responseSerializerCompiler({ schema, method: 'GET', url: '/x', httpStatus: '200' });

it('writes what the response schema declares: decimals as strings, nulls, nested objects and arrays', () => {
  const schema = z.object({
    quantity: z.string(),
    avg_fill_price: z.string().nullable(),
    status: z.enum(['open', 'filled']),
    legs: z.array(z.object({ symbol: z.string(), ratio: z.string() })).nullable(),
    fill: z.object({ exec_id: z.string(), leg: z.number().int().nullable() }),
  });
  const body = { quantity: '10.25', avg_fill_price: null, status: 'open', legs: [{ symbol: 'C100', ratio: '1' }], fill: { exec_id: 'e1', leg: 1 } };
  expect(JSON.parse(compile(schema)(body))).toEqual(body);
});

it('never writes a property the schema does not declare', () => {
  const schema = z.object({ id: z.string(), name: z.string() });
  const out = compile(schema)({ id: 'a', name: 'b', webhook_secret: 'whsec_x', password_hash: 'scrypt$...' });
  expect(JSON.parse(out)).toEqual({ id: 'a', name: 'b' });
  expect(out).not.toContain('whsec_x');
});
