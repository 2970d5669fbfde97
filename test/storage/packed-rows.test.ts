import { expect, it } from 'vitest';
import { ColumnInterner, isoFromUtcText, PackedFields, packedPlainSql, packedSql, packedTextSql, utcTextSql } from '../../src/storage/index.js';
import { describeEachEngine } from '../support/backends.js';

/** Text a client or a venue may choose: every character the packing treats specially, and the null marker spelled out. */
// Then one value twice (the interner answers the second without a string), and `\N` as text just
// before a null (equal in length and spelling to the null's raw field: it must not be taken for it).
const hostile = ['plain', 'tab\there', 'back\\slash', '\\', '\\N', '\\t', 'two\t\ttabs', 'new\nline', '', ' ', 'ünï©ødé 🚀', '\t', '\\\t\\', 'plain', 'x', 'x', '\\N'];

describeEachEngine('packed rows', (h) => {
  it('bring back any text, and null, exactly, read as text or through a column interner', async () => {
    const fields = [packedTextSql('t'), packedPlainSql('n'), packedTextSql('t')];
    const rows = await h().db.query<{ packed: string }>(
      `select ${packedSql(fields)} from unnest($1::text[], $2::int[]) with ordinality as v (t, n, i) order by i`,
      [[...hostile, null, null, 'plain'], [...hostile.map((_, i) => i), null, 7, 8]],
    );
    const reader = new PackedFields();
    const column = new ColumnInterner((s) => s);
    const decoded = rows.map((r) => {
      const f = reader.read(r.packed, fields.length);
      return [f.text(), f.text(), f.interned(column)];
    });
    const want = [...hostile.map((t, i) => [t, String(i), t]), [null, null, null], [null, '7', null], ['plain', '8', 'plain']];
    expect(decoded).toEqual(want);
  });

  it("bring back timestamps as toISOString writes them, from the database's own text (no fraction, 1 to 6 fraction digits, far years)", async () => {
    const times = [
      '2026-12-03T06:49:26Z', '2026-12-03T06:49:26.1Z', '2026-12-03T06:49:26.12Z', '2026-12-03T06:49:26.123Z', '2026-12-03T06:49:26.1234Z',
      '2026-12-03T06:49:26.999999Z', '2024-02-29T23:59:59.999Z', '2000-01-01T00:00:00Z', '0999-05-06T07:08:09.010Z', '1970-01-01T00:00:00.001Z',
    ];
    // In a session whose zone is not UTC: the text must not depend on it.
    const rows = await h().db.transaction(async (tx) => {
      await tx.query("set local timezone = 'America/New_York'");
      return tx.query<{ text: string; iso: string }>(
        `select ${utcTextSql('t')} as text, to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as iso
         from unnest($1::timestamptz[]) with ordinality as v (t, i) order by i`,
        [times],
      );
    });
    expect(rows.map((r) => isoFromUtcText(r.text))).toEqual(rows.map((r) => r.iso));
    expect(rows.map((r) => isoFromUtcText(r.text))).toEqual(times.map((t) => `${t.slice(0, 19)}.${`${t.slice(20, -1)}000`.slice(0, 3)}Z`));
    // Years of other than four digits and before the common era as toISOString writes them; infinity as the server writes it.
    const far = await h().db.query<{ text: string }>(
      `select ${utcTextSql('t')} as text from unnest(array['10000-01-02 03:04:05.678+00', '0044-03-15 12:00:00+00 BC', '0001-01-01 00:00:00+00', 'infinity']::timestamptz[]) with ordinality as v (t, i) order by i`,
    );
    expect(far.map((r) => isoFromUtcText(r.text))).toEqual(['+010000-01-02T03:04:05.678Z', '-000043-03-15T12:00:00.000Z', '0001-01-01T00:00:00.000Z', 'infinity']);
  });

  it('count their fields: a row read with another count is an error, not a shifted read', () => {
    const reader = new PackedFields();
    expect(() => reader.read('a\tb', 3).text() && reader.text() && reader.text()).toThrow(/fewer fields/);
    expect(() => reader.read('a\tb\tc', 2).text() && reader.text()).toThrow(/more fields/);
  });
});
