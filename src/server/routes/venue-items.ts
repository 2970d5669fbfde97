import * as s from '../schemas.js';
import type { RouteContext } from '../server.js';
import type { TypedApp } from './typed.js';
import { listUnparsedItems } from '../../service/index.js';

/** The venue items an account's adapter could not read, kept raw, most recently seen first. */
export function registerVenueItemRoutes(app: TypedApp, { service, access }: RouteContext): void {
  app.get('/v1/venue-items', { schema: { operationId: 'listVenueItems', summary: 'List venue items Fillbook could not read, kept raw', querystring: s.venueItemQuery, response: { 200: s.page(s.venueItem) } } }, async (request) => {
    const account = await access.account(access.user(request), request.query.account_id);
    const page = await listUnparsedItems(service.ledger.db, account.id, request.query.limit, request.query.cursor ?? null);
    return {
      data: page.items.map((i) => ({
        account_id: i.accountId,
        venue: i.venue,
        kind: i.kind as (typeof s.venueItem)['_output']['kind'],
        venue_item_id: i.venueItemId,
        payload: i.payload,
        reason: i.reason,
        first_seen_at: i.firstSeenAt,
        last_seen_at: i.lastSeenAt,
        times_seen: i.timesSeen,
      })),
      next_cursor: page.cursor,
    };
  });
}
