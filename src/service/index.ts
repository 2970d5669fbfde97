export * from './order-router.js';
export * from './venue-sync.js';
export * from './venues.js';
export * from './fillbook-service.js';
export * from './webhook-inbox.js';
export * from './reconciler.js';
export * from './unparsed-items.js';
export * from './history-import.js';
