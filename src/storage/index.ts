export * from './database.js';
export * from './ledger-store.js';
export { migrate } from './migrate.js';
export * from './position-store.js';
export * from './user-store.js';
export * from './webhook-store.js';
export * from './reconciliation-store.js';
export * from './fee-store.js';
export * from './idempotency-store.js';
