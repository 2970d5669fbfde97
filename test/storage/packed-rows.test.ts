import { expect, it } from 'vitest';
import { packedPlainSql, packedSql, packedTextSql, splitPacked, unpackField } from '../../src/storage/index.js';
import { describeEachEngine } from '../support/backends.js';

/** Text a client or a venue may choose: every character the packing treats specially, and the null marker spelled out. */
const hostile = ['plain', 'tab\there', 'back\\slash', '\\', '\\N', '\\t', 'two\t\ttabs', 'new\nline', '', ' ', 'ünï©ødé 🚀', '\t', '\\\t\\'];

describeEachEngine('packed rows', (h) => {
  it('bring back any text, and null, exactly, field by field', async () => {
    const fields = [packedTextSql('t'), packedPlainSql('n'), packedTextSql('other')];
    const rows = await h().db.query<{ packed: string }>(
      `select ${packedSql(fields)} from unnest($1::text[], $2::int[], $3::text[]) with ordinality as v (t, n, other, i) order by i`,
      [[...hostile, null], [...hostile.map((_, i) => i), null], [...hostile.map((t) => `${t}|`), 'x']],
    );
    const decoded = rows.map((r) => splitPacked(r.packed, fields.length).map(unpackField));
    expect(decoded).toEqual([...hostile.map((t, i) => [t, String(i), `${t}|`]), [null, null, 'x']]);
  });

  it('count their fields: a row of another shape is an error, not a shifted read', () => {
    expect(() => splitPacked('a\tb', 3)).toThrow(/2 fields, expected 3/);
  });
});
