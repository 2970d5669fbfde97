import { readdir, readFile } from 'node:fs/promises';
import type { Database } from './database.js';

/** The versioned SQL migrations live in `migrations/` at the package root, named `NNN_name.sql`. */
const migrationsDir = new URL('../../migrations/', import.meta.url);
/** Any constant serves; it keeps two instances starting at once from migrating together. */
const migrationLockKey = 7_878_001;

export async function migrate(db: Database): Promise<string[]> {
  const files = (await readdir(migrationsDir)).filter((name) => /^\d{3}_[a-z0-9_]+\.sql$/.test(name)).sort();
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [migrationLockKey]);
    await tx.query('create table if not exists schema_migrations (version text primary key, applied_at timestamptz not null)');
    const applied = new Set((await tx.query<{ version: string }>('select version from schema_migrations')).map((r) => r.version));
    const pending = files.filter((name) => !applied.has(name));
    for (const name of pending) {
      const sql = await readFile(new URL(name, migrationsDir), 'utf8');
      await tx.exec(sql);
      await tx.query('insert into schema_migrations (version, applied_at) values ($1, now())', [name]);
    }
    return pending;
  });
}

