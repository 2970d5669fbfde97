export * from './ledger.js';
export type { OrderRef, PositionRef } from './addressing.js';
export { fillBatchMax, type FillResult, type RecordFillInput } from './fill-recording.js';
export type { RecordOrderResult } from './order-placement.js';
export type { OrderFees, RecordFeeInput, RecordFeeResult } from './fee-recording.js';
