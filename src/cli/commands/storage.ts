import { Ledger } from '../../ledger/index.js';

/**
 * How the commands in this folder find the database, as `fillbook serve` and the user commands in
 * main.ts do: the PostgreSQL server named by FILLBOOK_DATABASE_URL when it is set, else the
 * embedded database in `--data-dir`. (main.ts has its own copy of these three lines; they can
 * become one when its error handling settles.)
 */
export const databaseUrlEnv = 'FILLBOOK_DATABASE_URL';
export const dataDirDefault = '.fillbook/data';
export const dataDirOption = ['--data-dir <dir>', `data directory of the embedded database (ignored when ${databaseUrlEnv} is set)`, dataDirDefault] as const;

export interface StorageFlags {
  dataDir: string;
}

export function storageOptions(flags: StorageFlags): { databaseUrl: string } | { dataDir: string } {
  const databaseUrl = process.env[databaseUrlEnv];
  return databaseUrl ? { databaseUrl } : { dataDir: flags.dataDir };
}

/** Opens the ledger for a one-off command and closes it afterwards. */
export async function withLedger<T>(flags: StorageFlags, work: (ledger: Ledger) => Promise<T>): Promise<T> {
  const ledger = await Ledger.open(storageOptions(flags));
  try {
    return await work(ledger);
  } finally {
    await ledger.close();
  }
}
