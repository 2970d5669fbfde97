import { z } from 'zod';
import type { RouteContext } from '../server.js';
import { sessionCookieName } from '../../users/index.js';
import type { TypedApp } from './typed.js';

/** How often a live stream looks for new order events in the database (shared by every instance). */
export const streamPollMs = 500;
export const streamEventsPerPollMax = 500;
export const streamHeartbeatMs = 15_000;
/** How often a long-lived stream checks that its key or session is still valid (revoked, signed out). */
export const streamRecheckMsDefault = 10_000;

/**
 * Server-sent events of the caller's order changes: every new order event in their accounts, as
 * `event: order` with the order id, its account, the event type and sequence. The database is the
 * only source (another instance may have written the change), read by polling with a cursor.
 */
export function registerStreamRoute(app: TypedApp, { ledger, access, sessions, streamRecheckMs }: RouteContext): void {
  app.get('/v1/stream', { schema: { querystring: z.strictObject({ account_id: z.uuid().optional() }), hide: true } }, async (request, reply) => {
    const user = access.user(request);
    const accountIds = request.query.account_id !== undefined ? [(await access.account(user, request.query.account_id)).id] : (await ledger.listAccounts(user.id)).map((a) => a.id);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.write(': fillbook live\n\n');
    let cursor = new Date().toISOString();
    let closed = false;
    let lastWrite = Date.now();
    let lastCheck = Date.now();
    // The stream outlives the request that opened it: the key or the session is checked again now and then.
    const stillAllowed = async () => {
      if (request.headers.authorization !== undefined) return access.authenticate(request).then(() => true, () => false);
      const token = request.cookies[sessionCookieName];
      return token !== undefined && (await sessions.find(token)) !== undefined;
    };
    const poll = async () => {
      if (closed) return;
      if (Date.now() - lastCheck > streamRecheckMs) {
        lastCheck = Date.now();
        if (!(await stillAllowed())) {
          raw.write('event: signed_out\ndata: {}\n\n');
          raw.end();
          return;
        }
      }
      if (accountIds.length === 0) return;
      const rows = await ledger.db.query<{ account_id: string; order_id: string; seq: number; type: string; recorded_at: Date | string }>(
        `select account_id, order_id, seq, type, recorded_at from order_events
         where account_id = any($1::uuid[]) and recorded_at > $2 order by recorded_at, order_id, seq limit $3`,
        [accountIds, cursor, streamEventsPerPollMax],
      );
      for (const r of rows) {
        const at = new Date(r.recorded_at).toISOString();
        raw.write(`event: order\ndata: ${JSON.stringify({ account_id: r.account_id, order_id: r.order_id, seq: Number(r.seq), type: r.type, at })}\n\n`);
        cursor = at;
        lastWrite = Date.now();
      }
      if (Date.now() - lastWrite > streamHeartbeatMs) {
        raw.write(': heartbeat\n\n');
        lastWrite = Date.now();
      }
    };
    const timer = setInterval(() => {
      poll().catch((error: unknown) => request.log.error({ err: error }, 'live stream'));
    }, streamPollMs);
    request.raw.on('close', () => {
      closed = true;
      clearInterval(timer);
    });
  });
}
