import { visit } from 'jsonc-parser';
import secureJson from 'secure-json-parse';
import { FillbookError } from '../domain/index.js';

/**
 * A request body is read strictly, before any schema sees it: the exact UTF-8 bytes a signature was
 * computed over, one meaning per key, and a bounded shape. What JSON.parse would quietly accept
 * (replacement characters for bad bytes, the last of two equal keys, a `__proto__` key, a value
 * nested thousands deep that later overflows the stack of whoever walks it) is refused here.
 */

/** Objects and arrays nest at most this deep in a request body (a venue_config is a few levels). */
export const bodyDepthMax = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Parses a JSON request body or throws the coded 400 (or 422) that says what is wrong with it. */
export function parseJsonBody(bytes: Buffer): { text: string; value: unknown } {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new FillbookError('FILLBOOK_ERR_INVALID_ENCODING', 'the body is not valid UTF-8; send JSON encoded as UTF-8', {});
  }
  if (text.length === 0) return { text, value: undefined };
  let value: unknown;
  try {
    // secure-json-parse: JSON.parse, plus a refusal of `__proto__` and `constructor.prototype` keys.
    value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    const poisoned = error instanceof SyntaxError && /prototype/i.test(error.message);
    throw new FillbookError('FILLBOOK_ERR_MALFORMED_JSON', poisoned ? 'the body has a __proto__ or constructor.prototype key, which is refused' : 'the body is not valid JSON', {});
  }
  const keys = checkShape(value);
  // JSON.parse keeps one of two equal keys: fewer keys parsed than written means a duplicate.
  if (keys !== keysWritten(text)) checkDuplicateKeys(text);
  return { text, value };
}

interface Visit {
  value: unknown;
  parent: Visit | undefined;
  key: string;
  depth: number;
}

/** Where a visited value is, as `body.fills[3].price`: made only for an error message. */
function pathOf(visit: Visit): string {
  const parts: string[] = [];
  for (let v: Visit | undefined = visit; v?.parent !== undefined; v = v.parent) parts.push(Array.isArray(v.parent.value) ? `[${v.key}]` : `.${v.key}`);
  return `body${parts.reverse().join('')}`;
}

/**
 * Walks the parsed value without recursion: the depth bound, and text PostgreSQL cannot store
 * (NUL) or that is not Unicode (a lone surrogate from a `\ud800` escape). Returns how many object
 * keys it saw. A value's path is made only when it is refused.
 */
function checkShape(root: unknown): number {
  let keys = 0;
  const stack: Visit[] = [{ value: root, parent: undefined, key: '', depth: 0 }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { value, depth } = visit;
    if (typeof value === 'string') {
      if (!isStorableText(value)) checkText(value, pathOf(visit));
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= bodyDepthMax) {
        const path = pathOf(visit);
        throw new FillbookError('FILLBOOK_ERR_TOO_DEEP', `the body nests objects and arrays more than ${bodyDepthMax} levels deep (at ${path})`, { path, depth_max: bodyDepthMax });
      }
      const isArray = Array.isArray(value);
      for (const key of Object.keys(value)) {
        const child: Visit = { value: (value as Record<string, unknown>)[key], parent: visit, key, depth: depth + 1 };
        if (!isArray) {
          keys++;
          if (!isStorableText(key)) checkText(key, pathOf(child));
        }
        stack.push(child);
      }
    }
  }
  return keys;
}

/**
 * How many object keys a JSON text writes (valid JSON: JSON.parse has read it). Each match takes one
 * whole string, so the scan resumes after it and the next quote opens the next string; a string
 * followed by a colon is a key.
 */
function keysWritten(text: string): number {
  let keys = 0;
  for (const match of text.matchAll(/"(?:[^"\\]|\\.)*"(\s*:)?/g)) if (match[1] !== undefined) keys++;
  return keys;
}

function isStorableText(value: string): boolean {
  return (value as string & { isWellFormed(): boolean }).isWellFormed() && !value.includes('\u0000');
}

// `String.prototype.isWellFormed` is in Node 20; the compiler's lib (ES2022) does not declare it yet.
/** Throws when a string can not be stored as PostgreSQL text: a NUL, or not well-formed Unicode. */
export function checkText(value: string, path: string): void {
  if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) {
    throw new FillbookError('FILLBOOK_ERR_INVALID_ENCODING', `${path} holds a lone UTF-16 surrogate, which is not a character; send well-formed Unicode`, { path });
  }
  if (value.includes('\u0000')) {
    throw new FillbookError('FILLBOOK_ERR_VALIDATION', `invalid request: ${path}: the NUL character (U+0000) is not allowed in text`, { issues: [{ path, message: 'the NUL character (U+0000) is not allowed in text' }] });
  }
}

/** Every key once per object: with two, JSON.parse keeps the last, and the sender may have meant the first. */
function checkDuplicateKeys(text: string): void {
  if (!text.includes('"')) return;
  const keys: Set<string>[] = [];
  let duplicate: { key: string; offset: number } | undefined;
  visit(
    text,
    {
      onObjectBegin: () => void keys.push(new Set()),
      onObjectEnd: () => void keys.pop(),
      onObjectProperty: (key, offset) => {
        const seen = keys.at(-1)!;
        if (seen.has(key)) duplicate ??= { key, offset };
        seen.add(key);
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  if (duplicate !== undefined) {
    throw new FillbookError('FILLBOOK_ERR_DUPLICATE_KEY', `the body has the key ${JSON.stringify(duplicate.key)} twice in one object; send each key once`, { key: duplicate.key, offset: duplicate.offset });
  }
}
