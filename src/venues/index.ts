export * from './venue.js';
export { PaperVenue, type ExternalOrderRequest, type HandControlOptions } from './paper/paper-venue.js';
export { type PaperConfig, paperConfigDefault, parsePaperConfig } from './paper/paper-config.js';
export { mapPaperStatus, paperStatuses } from './paper/paper-book.js';
export { parsePaperWebhook, paperWebhookPayload } from './paper/paper-webhook.js';
export { signWebhookBody } from './webhook-signature.js';
