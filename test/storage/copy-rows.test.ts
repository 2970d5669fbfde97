import { expect, it } from 'vitest';
import { CopyTextRows, PackedFields, unpackField, uuidLiteral } from '../../src/storage/index.js';
import { describeEachEngine } from '../support/backends.js';

/** Texts COPY escapes (tab, newline, carriage return, backslash, other control characters), `\N` as text, and more than ASCII. */
const texts = ['plain', 'tab\there', 'new\nline', 'cr\rhere', 'back\\slash', '\\N', '\\', 'ctl\b\f\v', '', 'ünï-€-𝄞', 'a\\tb'];

describeEachEngine('COPY rows', (h) => {
  it('hand over every row once, in order, whatever its fields hold, and read back as written', async () => {
    const table = `copy_probe_${Math.random().toString(36).slice(2, 10)}`;
    await h().db.query(`create table ${table} (n int primary key, t text, d numeric, at timestamptz)`);
    try {
      for (let n = 0; n < 300; n++) await h().db.query(`insert into ${table} values ($1, $2, $3, $4)`, [n, n % (texts.length + 1) === texts.length ? null : texts[n % (texts.length + 1)], n % 5 === 0 ? null : `${n}.25`, '2026-12-04T10:00:00.123Z']);
      const batches: (readonly string[])[] = [];
      await h().db.copyRows(`select n, t, d, (at at time zone 'UTC')::text from ${table} order by n`, (rows) => batches.push(rows));
      const rows = batches.flat();
      expect(rows).toHaveLength(300);
      const fields = new PackedFields();
      rows.forEach((row, n) => {
        const f = fields.read(row, 4);
        expect([f.text(), f.text(), f.text(), f.text()]).toEqual([String(n), n % (texts.length + 1) === texts.length ? null : texts[n % (texts.length + 1)], n % 5 === 0 ? null : `${n}.25`, '2026-12-04 10:00:00.123']);
      });
    } finally {
      await h().db.query(`drop table ${table}`);
    }
  });

  it('fail the read when the select fails, and leave the database usable', async () => {
    await expect(h().db.copyRows('select 1 / 0', () => {})).rejects.toThrow(/division by zero/);
    await expect(h().db.copyRows('select n from generate_series(1, 5000) as n', () => { throw new Error('consumer failed'); })).rejects.toThrow(/consumer failed/);
    expect(await h().db.query<{ n: number }>('select 1 as n')).toEqual([{ n: 1 }]);
  });
});

it('splits chunks cut anywhere, within a row or a UTF-8 character, into whole rows', () => {
  const rows = ['a\tb', 'ünï-€-𝄞\t\\N', '', 'last'];
  const bytes = Buffer.from(rows.map((r) => `${r}\n`).join(''));
  for (let cut = 0; cut <= bytes.length; cut++) {
    const split = new CopyTextRows();
    const got = [...split.push(bytes.subarray(0, cut)), ...split.push(bytes.subarray(cut))];
    split.end();
    expect(got).toEqual(rows);
  }
  const unfinished = new CopyTextRows();
  unfinished.push(Buffer.from('a\tb\nc'));
  expect(() => unfinished.end()).toThrow(/within a row/);
});

it('unescapes COPY fields, and writes only uuids as literals', () => {
  expect([unpackField('\\N'), unpackField('\\\\N'), unpackField('a\\tb\\nc\\rd\\\\e\\bf\\fg\\vh'), unpackField('plain'), unpackField('\\x')]).toEqual([null, '\\N', 'a\tb\nc\rd\\e\bf\fg\vh', 'plain', 'x']);
  expect(uuidLiteral('0b3e8f5a-1d2c-4e5f-8a9b-0c1d2e3f4a5b')).toBe("'0b3e8f5a-1d2c-4e5f-8a9b-0c1d2e3f4a5b'::uuid");
  expect(() => uuidLiteral("x' or '1'='1")).toThrow(/not a uuid/);
});
