/**
 * Bulk reads of many narrow rows, each packed by the database into one text value: its fields joined
 * by tabs. The driver then decodes one value per row instead of one per column, and builds one small
 * row object instead of an object with a property per column: reading the ledger's 1,000,000 working
 * orders took 3.5 s column by column (bench/reconcile.ts), most of it in the driver and in the
 * garbage collector.
 *
 * A field that may hold any text (an id chosen by a client or a venue, a symbol, a reason) goes
 * through `packedTextSql`: as it is when it holds no tab, newline or backslash (nearly always, and
 * `strpos` is cheap), else a backslash followed by the text with `\`, tab and newline escaped as
 * COPY's text format escapes them, so that rows can also be joined by newlines (`packedPagesSql`).
 * A null is `\N`. Fields the database writes itself (numbers, statuses, uuids,
 * timestamps) need no escaping: `packedSql` takes them as they are.
 */

/** An escaped text field (see above); nullable. */
export const packedTextSql = (column: string) =>
  `coalesce(case when strpos(${column}, e'\\t') = 0 and strpos(${column}, e'\\n') = 0 and strpos(${column}, '\\') = 0 then ${column}
    else '\\' || replace(replace(replace(${column}, '\\', '\\\\'), e'\\t', '\\t'), e'\\n', '\\n') end, '\\N')`;

/** A field that can hold neither a tab nor a backslash (a number, a uuid, a status, a formatted time); nullable. */
export const packedPlainSql = (expression: string) => `coalesce((${expression})::text, '\\N')`;

/** The packed row of the given field expressions (each from `packedTextSql` or `packedPlainSql`), as column `packed`. */
export const packedSql = (fields: readonly string[]) => `concat_ws(e'\\t', ${fields.join(', ')}) as packed`;

const escaped = /\\(.)/g;

/** A packed field as the database wrote it: null for `\N`, unescaped when it begins with a backslash. */
export function unpackField(field: string): string | null {
  if (field.charCodeAt(0) !== 92) return field;
  if (field === '\\N') return null;
  return field.slice(1).replace(escaped, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c));
}

/** The fields of a packed row (as many as `packedSql` was given; escaped fields still escaped, see `unpackField`). */
export function splitPacked(packed: string, fieldCount: number): string[] {
  const fields = packed.split('\t');
  // An escaped field holds no tab, so the count is exact: anything else is a programmer error in the SQL.
  if (fields.length !== fieldCount) throw new Error(`a packed row has ${fields.length} fields, expected ${fieldCount}`);
  return fields;
}
