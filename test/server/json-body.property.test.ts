import fc from 'fast-check';
import { visit } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { isFillbookError } from '../../src/domain/index.js';
import { parseJsonBody } from '../../src/server/json-body.js';

/** The reference: a full tokenizer walk that looks for a key written twice in one object. */
function hasDuplicateKey(text: string): boolean {
  const keys: Set<string>[] = [];
  let duplicate = false;
  visit(text, {
    onObjectBegin: () => void keys.push(new Set()),
    onObjectEnd: () => void keys.pop(),
    onObjectProperty: (key) => {
      if (keys.at(-1)!.has(key)) duplicate = true;
      keys.at(-1)!.add(key);
    },
  });
  return duplicate;
}

function refusal(text: string): string | undefined {
  try {
    parseJsonBody(Buffer.from(text));
    return undefined;
  } catch (error) {
    if (isFillbookError(error)) return error.code;
    throw error;
  }
}

/** Keys that are awkward for a scanner: quotes, backslashes, colons, escapes, empty. */
const awkwardKey = fc.constantFrom('a', 'b', '', ':', '"', '\\', '":', 'a\\":', 'é', ' ', 'x y');
/** Leaves, strings among them that look like keys or objects to a careless scanner. */
const leaf = fc.oneof(fc.constantFrom(':', '":"', '\\', '{"a":1}', '', 'a\\'), fc.string(), fc.integer(), fc.boolean(), fc.constant(null));

describe('reading a JSON body', () => {
  it('refuses a body for a duplicate key exactly when one object writes a key twice', () => {
    // Objects are written from key-value pairs, so a key may repeat; spaces around the colon too.
    const objectText = fc.letrec<{ text: string; leaf: string; array: string; object: string }>((tie) => ({
      text: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('array'), tie('object')),
      leaf: leaf.map((v) => JSON.stringify(v)),
      array: fc.array(tie('text'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
      object: fc.array(fc.tuple(awkwardKey, tie('text')), { maxLength: 4 }).map((pairs) => `{${pairs.map(([k, t]) => `${JSON.stringify(k)} : ${t}`).join(',')}}`),
    })).text;
    fc.assert(
      fc.property(objectText, (text) => {
        expect(refusal(text) === 'FILLBOOK_ERR_DUPLICATE_KEY').toBe(hasDuplicateKey(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('names the place of text PostgreSQL cannot store', () => {
    expect(() => parseJsonBody(Buffer.from('{"fills":[{"exec_id":"ok"},{"exec_id":"A\\u0000B"}]}'))).toThrow('body.fills[1].exec_id');
    expect(() => parseJsonBody(Buffer.from('{"a":{"\\ud800":1}}'))).toThrow('body.a.\ud800');
  });

  it('reads a batch of fills with no duplicate as JSON.parse does', () => {
    const fills = Array.from({ length: 100 }, (_, k) => ({ order_id: 'o', exec_id: `e-${k}`, quantity: '1', price: '100.5', note: 'a "quoted": value \\' }));
    const text = JSON.stringify({ fills });
    expect(parseJsonBody(Buffer.from(text)).value).toEqual({ fills });
  });
});
