/** The pure domain core: no storage, HTTP or venue imports. Everything else depends on this. */
export * from './decimal.js';
export * from './errors.js';
export * from './fill.js';
export * from './order.js';
export * from './order-legs.js';
export * from './order-event-codec.js';
export * from './order-events.js';
export * from './order-status.js';
export * from './order-transitions.js';
export * from './vocabulary.js';
export * from './order-request.js';
export * from './position.js';
export * from './holdings.js';
export * from './fees.js';
export * from './performance.js';
export * from './broker-reports.js';
export * from './reconciliation.js';
