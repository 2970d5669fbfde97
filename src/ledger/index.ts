export * from './ledger.js';
export type { OrderRef, PositionRef } from './addressing.js';
export type { RecordFillResult } from './fill-recording.js';
export type { RecordOrderResult } from './order-placement.js';
export type { OrderFees, RecordFeeInput, RecordFeeResult } from './fee-recording.js';
