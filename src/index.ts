/** Fillbook as a library: open a ledger, record orders, lifecycle events and fills. */
export * from './domain/index.js';
export * from './ledger/index.js';
export { openDatabase, type Database, type DatabaseOptions, type EngineName } from './storage/index.js';
