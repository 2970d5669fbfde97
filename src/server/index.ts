export * from './server.js';
// The wire shapes, for the CLI's --json output (the same as the API's).
export { accountView, orderDetailView, orderView } from './views.js';
export { decodeCursor, encodeCursor } from './routes/orders.js';
export { alertSinkView, alertView } from './routes/alerts.js';
