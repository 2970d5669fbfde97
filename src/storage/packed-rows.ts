import type { Database } from './database.js';

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

/**
 * Reads a select of packed rows (one column, `packed`: see `packedSql`) through one cursor: one
 * snapshot, in the plan's order, `pageSize` rows a fetch. The next page is asked for before `onPage`
 * takes this one in, so that the server reads it meanwhile; the last page may be empty. JIT is off
 * for it: a scan this large passes PostgreSQL's JIT threshold, and compiling the packing expressions
 * cost more than it saved (1,000,000 working orders: 2.4 s of server CPU without, 2.6–2.8 s with).
 */
export async function readPackedPages(
  db: Database,
  select: string,
  params: readonly unknown[],
  pageSize: number,
  onPage: (rows: readonly { packed: string }[]) => void,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('set local jit = off');
    await tx.query(`declare packed_pages no scroll cursor for ${select}`, params);
    const fetchPage = () => tx.query<{ packed: string }>(`fetch forward ${pageSize} from packed_pages`);
    let next: Promise<{ packed: string }[]> | null = fetchPage();
    while (next !== null) {
      const rows: { packed: string }[] = await next;
      next = rows.length < pageSize ? null : fetchPage();
      onPage(rows);
    }
  });
}

/**
 * A timestamp as the database's own text output in UTC (`2026-12-03 06:49:26.123`, fraction digits
 * as needed), for bulk reads: about an eighth of `to_char`'s cost on the server (0.08 against
 * 0.63 µs a value), which made a fifth of a packed venue order's. `isoFromUtcText` turns it into
 * the ISO 8601 text `toISOString` writes; with a `ColumnInterner`, a repeated value is turned once.
 */
export const utcTextSql = (column: string) => `(${column} at time zone 'UTC')::text`;

/**
 * `utcTextSql`'s text as ISO 8601 in UTC with milliseconds (`2026-12-03T06:49:26.123Z`), as
 * `toISOString` writes it; microseconds are cut, as `to_char`'s `MS` cuts them. A time outside
 * JavaScript's range, or `infinity`, is returned as the server wrote it: one odd row never fails a read.
 */
export function isoFromUtcText(text: string): string {
  const n = text.length;
  if (n >= 19 && text.charCodeAt(4) === 45 && text.charCodeAt(10) === 32) {
    if (n === 23) return `${text.slice(0, 10)}T${text.slice(11)}Z`;
    if (n === 19) return `${text.slice(0, 10)}T${text.slice(11)}.000Z`;
    if (n <= 26 && text.charCodeAt(19) === 46) return `${text.slice(0, 10)}T${`${text.slice(11, 23)}00`.slice(0, 12)}Z`;
  }
  return isoFromUnusualUtcText(text);
}

const unusualUtcText = /^(\d+)-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?( BC)?$/;

/** A year of other than four digits, or before the common era, as `toISOString` writes it; a text that is no time (`infinity`) as it is. */
function isoFromUnusualUtcText(text: string): string {
  const m = unusualUtcText.exec(text);
  if (m === null) return text;
  const year = m[8] === undefined ? Number(m[1]) : 1 - Number(m[1]);
  const at = new Date(0);
  // setUTCFullYear, not Date.UTC: that one reads years 0 to 99 as 1900 to 1999.
  at.setUTCFullYear(year, Number(m[2]) - 1, Number(m[3]));
  at.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), Number(`${m[7] ?? ''}000`.slice(0, 3)));
  return Number.isNaN(at.getTime()) ? text : at.toISOString();
}

const escaped = /\\(.)/g;

/** A packed field as the database wrote it: null for `\N`, unescaped when it begins with a backslash. */
export function unpackField(field: string): string | null {
  if (field.charCodeAt(0) !== 92) return field;
  if (field === '\\N') return null;
  return field.slice(1).replace(escaped, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c));
}

/**
 * Equal values of one column share one instance, and a value equal to the column's previous one is
 * answered without building its string (`PackedFields.interned`): statuses, sides, quantities,
 * times repeat down a million rows, and each string built only to be dropped was garbage to collect.
 */
export class ColumnInterner<T> {
  private readonly seen = new Map<string, T>();
  lastText = '\u0000';
  lastValue: T | undefined;

  constructor(
    private readonly make: (text: string) => T,
    private readonly sizeMax = 10_000,
  ) {}

  of(text: string): T {
    if (text === this.lastText) return this.lastValue!;
    let value = this.seen.get(text);
    if (value === undefined) {
      value = this.make(text);
      if (this.seen.size < this.sizeMax) this.seen.set(text, value);
    }
    this.lastText = text;
    this.lastValue = value;
    return value;
  }
}

/** Reads one packed row's fields in order, without splitting it into an array of strings first. */
export class PackedFields {
  private row = '';
  private at = 0;
  private left = 0;

  /** Starts on a row of `fieldCount` fields. */
  read(row: string, fieldCount: number): this {
    this.row = row;
    this.at = 0;
    this.left = fieldCount;
    return this;
  }

  private end(): number {
    if (this.left-- <= 0) throw new Error(`a packed row has more fields asked of it than it was read with`);
    const tab = this.row.indexOf('\t', this.at);
    // The last field runs to the end of the row; any other must end at a tab: a miscount is a programmer error in the SQL.
    if ((tab === -1) !== (this.left === 0)) throw new Error(`a packed row has ${tab === -1 ? 'fewer' : 'more'} fields than expected`);
    return tab === -1 ? this.row.length : tab;
  }

  /** Passes over the next field without reading it. */
  skip(): void {
    this.at = this.end() + 1;
  }

  /** The next field, unescaped (null for `\N`). */
  text(): string | null {
    const end = this.end();
    const field = this.row.slice(this.at, end);
    this.at = end + 1;
    return unpackField(field);
  }

  /**
   * The next field through a column's interner (null for `\N`), its string built only when it
   * differs from the column's previous value. An escaped field (it begins with a backslash) is
   * never taken for the previous value: that is compared unescaped.
   */
  interned<T>(column: ColumnInterner<T>): T | null {
    const end = this.end();
    const from = this.at;
    this.at = end + 1;
    const last = column.lastText;
    if (end - from === last.length && this.row.charCodeAt(from) !== 92 && this.row.startsWith(last, from)) return column.lastValue!;
    const text = unpackField(this.row.slice(from, end));
    return text === null ? null : column.of(text);
  }
}
