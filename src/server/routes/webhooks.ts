import { z } from 'zod';
import { deliveryIdHeader, signatureHeader, verifyWebhookSignature } from '../../service/index.js';
import { notFound } from '../errors.js';
import type { RouteContext } from '../server.js';
import type { TypedApp } from './typed.js';

export function registerWebhookRoutes(app: TypedApp, { ledger, inbox, kickInbox }: RouteContext): void {
  app.post(
    '/v1/webhooks/:venue/:account_id',
    {
      schema: {
        operationId: 'receiveWebhook',
        summary: "Receive a venue's signed raw event",
        params: z.object({ venue: z.string().max(40), account_id: z.uuid() }),
        headers: z.looseObject({ [signatureHeader]: z.string().max(300).optional(), [deliveryIdHeader]: z.string().min(1).max(200).optional() }),
        body: z.unknown(),
        response: { 202: z.object({ id: z.uuid().nullable(), duplicate: z.boolean() }) },
        security: [],
        description: `A venue's raw event, signed with the account's webhook secret in the ${signatureHeader} header (t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">, or of "<t>.<${deliveryIdHeader}>.<body>" when that header is sent). Stored durably before the 202; processed in the background.`,
      },
    },
    async (request, reply) => {
      const { venue, account_id: accountId } = request.params;
      const account = await ledger.getAccount(accountId).catch(() => undefined);
      if (account === undefined || account.venue !== venue || account.webhookSecret === null) throw notFound('webhook endpoint for account', accountId);
      const rawBody = (request as { rawBody?: string }).rawBody ?? '';
      const deliveryId = request.headers[deliveryIdHeader] as string | undefined;
      verifyWebhookSignature(account.webhookSecret, rawBody, request.headers[signatureHeader] as string | undefined, new Date(), deliveryId);
      const stored = await inbox.receive({ accountId, venue, rawBody, payload: request.body, deliveryId });
      kickInbox();
      return reply.code(202).send(stored);
    },
  );
}
