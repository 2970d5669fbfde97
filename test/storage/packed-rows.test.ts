import { expect, it } from 'vitest';
import { ColumnInterner, PackedFields, packedPlainSql, packedSql, packedTextSql } from '../../src/storage/index.js';
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

  it('count their fields: a row read with another count is an error, not a shifted read', () => {
    const reader = new PackedFields();
    expect(() => reader.read('a\tb', 3).text() && reader.text() && reader.text()).toThrow(/fewer fields/);
    expect(() => reader.read('a\tb\tc', 2).text() && reader.text()).toThrow(/more fields/);
  });
});
