import { StringDecoder } from 'node:string_decoder';
import type { Database } from './database.js';

/**
 * Bulk reads of many narrow rows, each row one text: its fields joined by tabs, in COPY's text format.
 * The driver then decodes one value per row instead of one per column, and builds one small value
 * per row instead of an object with a property per column: reading the ledger's 1,000,000 working
 * orders took 3.5 s column by column (bench/reconcile.ts), most of it in the driver and in the
 * garbage collector.
 *
 * The largest reads come straight from COPY (`readCopyPages`, `Database.copyRows`): the server
 * writes the rows itself. A read that pages by keyset and joins each page's rows into one text
 * (`string_agg`, the paper venue's order history) builds the same rows in SQL: a field that may hold
 * any text (an id chosen by a client or a venue, a symbol, a reason) goes through `packedTextSql`, as
 * it is when it holds no tab, newline or backslash (nearly always, and `strpos` is cheap), else with
 * `\`, tab and newline escaped as COPY escapes them; fields the database writes itself (numbers,
 * statuses, uuids, timestamps) go through `packedPlainSql`. A null is `\N` either way, and
 * `unpackField` reads a field of either.
 */

/** An escaped text field (see above); nullable. */
export const packedTextSql = (column: string) =>
  `coalesce(case when strpos(${column}, e'\\t') = 0 and strpos(${column}, e'\\n') = 0 and strpos(${column}, '\\') = 0 then ${column}
    else replace(replace(replace(${column}, '\\', '\\\\'), e'\\t', '\\t'), e'\\n', '\\n') end, '\\N')`;

/** A field that can hold neither a tab nor a backslash (a number, a uuid, a status, a formatted time); nullable. */
export const packedPlainSql = (expression: string) => `coalesce((${expression})::text, '\\N')`;

/** The packed row of the given field expressions (each from `packedTextSql` or `packedPlainSql`), as column `packed`. */
export const packedSql = (fields: readonly string[]) => `concat_ws(e'\\t', ${fields.join(', ')}) as packed`;

/**
 * Reads a select's rows through COPY (`Database.copyRows`), `pageSize` rows a page (the last page
 * may be shorter), each row one text in COPY's format (read its fields with `PackedFields`). COPY
 * streams: the server writes rows while Node takes in the ones before. JIT is off for it: a scan this
 * large passes PostgreSQL's JIT threshold, and compiling the expressions cost more than it saved
 * (1,000,000 working orders: 2.4 s of server CPU without, 2.6–2.8 s with). Against the cursor of
 * packed rows this replaced (bench/reconcile.ts): the server's CPU for the ledger's and the paper
 * venue's million rows about halved, the read of both about twice as fast.
 */
export async function readCopyPages(db: Database, select: string, pageSize: number, onPage: (rows: readonly string[]) => void): Promise<void> {
  let page: string[] = [];
  await db.copyRows(select, (rows) => {
    for (const row of rows) {
      page.push(row);
      if (page.length === pageSize) {
        onPage(page);
        page = [];
      }
    }
  });
  if (page.length > 0) onPage(page);
}

/**
 * Splits COPY's output, arriving in chunks of bytes cut anywhere (within a row, within a UTF-8
 * character), into whole rows: each chunk's complete rows are returned, the rest kept for the next.
 */
export class CopyTextRows {
  private readonly decoder = new StringDecoder('utf8');
  private carry = '';

  push(chunk: Buffer | string): string[] {
    const text = this.carry + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const rows: string[] = [];
    let at = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', at)) {
      rows.push(text.slice(at, newline));
      at = newline + 1;
    }
    this.carry = text.slice(at);
    return rows;
  }

  /** The output is over: a row left without its newline is an error (COPY ends every row with one). */
  end(): void {
    const rest = this.carry + this.decoder.end();
    if (rest !== '') throw new Error(`COPY output ended within a row (${rest.length} characters after the last newline)`);
  }
}

/** A uuid as an SQL literal, for the statements that take no parameters (COPY); anything else is refused. */
export function uuidLiteral(id: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new Error(`not a uuid: ${JSON.stringify(id)}`);
  return `'${id}'::uuid`;
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

const escaped = /\\(.)/gs;
/** COPY's escapes of control characters; any other character after a backslash stands for itself (`\\`: a backslash). */
const escapes: Record<string, string> = { t: '\t', n: '\n', r: '\r', b: '\b', f: '\f', v: '\v' };

/** A field as COPY writes it: null for `\N`, else the text with its backslash escapes undone. */
export function unpackField(field: string): string | null {
  if (field.indexOf('\\') === -1) return field;
  if (field === '\\N') return null;
  return field.replace(escaped, (_, c: string) => escapes[c] ?? c);
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
  /** The row's first backslash at or after the current field (the row's length when none; -1 before the first look): fields before it need no unescaping. */
  private backslash = -1;

  /** Starts on a row of `fieldCount` fields. */
  read(row: string, fieldCount: number): this {
    this.row = row;
    this.at = 0;
    this.left = fieldCount;
    this.backslash = -1;
    return this;
  }

  /** Whether the field from `from` to `end` holds a backslash (is escaped, or null). */
  private escapedWithin(from: number, end: number): boolean {
    if (this.backslash < from) {
      const next = this.row.indexOf('\\', from);
      this.backslash = next === -1 ? this.row.length : next;
    }
    return this.backslash < end;
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
   * differs from the column's previous value. An escaped field (one holding a backslash) is never
   * taken for the previous value: that is compared unescaped.
   */
  interned<T>(column: ColumnInterner<T>): T | null {
    const end = this.end();
    const from = this.at;
    this.at = end + 1;
    const last = column.lastText;
    if (end - from === last.length && this.row.startsWith(last, from) && !this.escapedWithin(from, end)) return column.lastValue!;
    const text = unpackField(this.row.slice(from, end));
    return text === null ? null : column.of(text);
  }
}
