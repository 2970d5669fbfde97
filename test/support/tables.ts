import type { Database } from '../../src/storage/index.js';

/**
 * A fingerprint of every table in the database (row count and a hash of the rows), to show that a
 * refused request changed nothing. `schema_migrations`-style bookkeeping is included: nothing may move.
 */
export async function tableFingerprints(db: Database): Promise<Record<string, string>> {
  const tables = await db.query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await db.query<{ n: string; h: string | null }>(`select count(*)::text as n, md5(string_agg(t::text, '|' order by t::text)) as h from "${name}" t`);
    out[name] = `${row!.n}:${row!.h ?? ''}`;
  }
  return out;
}

/** The tables whose fingerprint differs between two snapshots. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((t) => before[t] !== after[t]);
}
