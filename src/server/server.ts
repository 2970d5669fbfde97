import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifySwagger from '@fastify/swagger';
import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { responseSerializerCompiler } from './serializer.js';
import type { Ledger } from '../ledger/index.js';
import { FillbookService, WebhookInbox } from '../service/index.js';
import { FillbookError } from '../domain/index.js';
import { csrfHeaderName, csrfMatches, LoginThrottle, sessionCookieName, Sessions, Users } from '../users/index.js';
import { registerDashboard } from './dashboard.js';
import { registerSessionRoutes } from './routes/sessions.js';
import { registerStreamRoute, streamRecheckMsDefault } from './routes/stream.js';
import { Access } from './auth.js';
import { clientErrorResponse, frameworkError, headerBytesMax, installErrorHandling, pathParamCharsMax } from './errors.js';
import { checkText, parseJsonBody } from './json-body.js';
import { Metrics } from './metrics.js';
import { installIdempotency } from './idempotency.js';
import { documentErrorResponses, swaggerOptions } from './openapi.js';
import { registerAccountRoutes } from './routes/accounts.js';
import { registerAlertRoutes } from './routes/alerts.js';
import { registerFeeRoutes } from './routes/fees.js';
import { registerFillListingRoutes } from './routes/fill-listing.js';
import { registerFillRoutes } from './routes/fills.js';
import { registerOrderRoutes } from './routes/orders.js';
import { registerPaperRoutes } from './routes/paper.js';
import { registerPositionRoutes } from './routes/positions.js';
import { registerReconciliationRoutes } from './routes/reconciliations.js';
import { registerVenueItemRoutes } from './routes/venue-items.js';
import { registerImportRoutes } from './routes/imports.js';
import { registerWebhookRoutes } from './routes/webhooks.js';

/** Request bodies above this are refused with 413. */
export const bodyBytesMax = 1_048_576;
/**
 * A request's headers and body must arrive within this, or it is answered 408 and closed: a body that
 * never finishes would otherwise hold a socket and its buffer for ever (also unauthenticated, on the
 * webhook route). A bot's body of at most 1 MiB takes milliseconds.
 */
export const requestTimeoutMsDefault = 10_000;
/** How often Node checks for requests past their time (its default is 30 s, too coarse for the limit above). */
const timeoutCheckIntervalMs = 1_000;

export interface ServerOptions {
  ledger: Ledger;
  /** The venues, router and background work; made here when not given. */
  service?: FillbookService;
  /** Pino options; `stream` is where the lines go (stdout when absent). */
  logger?: boolean | { level: string; stream?: { write(line: string): void } };
  /** Wait this long before processing webhook deliveries (tests use it to crash in between). */
  webhookProcessDelayMs?: number;
  /** Mark the session cookie Secure (behind HTTPS); by default, when `publicUrl` is https. */
  secureCookies?: boolean;
  /** The address users reach the service at (`https://…` behind a TLS proxy); decides the defaults above and HSTS. */
  publicUrl?: string;
  /** How often a live stream re-checks its key or session (tests shorten it). */
  streamRecheckMs?: number;
  /** Time allowed to receive a request's headers and body (`requestTimeoutMsDefault`). */
  requestTimeoutMs?: number;
}

export interface Server {
  app: FastifyInstance;
  service: FillbookService;
  users: Users;
  inbox: WebhookInbox;
  metrics: Metrics;
}

export interface RouteContext {
  ledger: Ledger;
  sessions: Sessions;
  streamRecheckMs: number;
  service: FillbookService;
  access: Access;
  inbox: WebhookInbox;
  kickInbox: () => void;
}

/**
 * The HTTP service: the v1 API of SPEC.md with one zod schema per shape (validation, types and the
 * OpenAPI document), bearer API keys, per-user scoping, webhooks, health and Prometheus metrics.
 */
export async function buildServer(options: ServerOptions): Promise<Server> {
  const { ledger } = options;
  const requestTimeoutMs = options.requestTimeoutMs ?? requestTimeoutMsDefault;
  const app = Fastify({
    logger: options.logger === undefined || options.logger === false ? false : { ...(options.logger === true ? {} : options.logger), redact: ['req.headers.authorization', 'req.headers["fillbook-signature"]'] },
    bodyLimit: bodyBytesMax,
    // One access line per request (the onResponse hook below) instead of Fastify's two: at a few
    // thousand fills a second the second line cost ~40 us of the event loop per request. (Through
    // a LogController: Fastify 5.12 deprecates the top-level option and warns at every start.)
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: 'x-request-id',
    requestTimeout: requestTimeoutMs,
    // Fastify does not pass these through, so the server is made here with them.
    serverFactory: (handler) =>
      createServer({ requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(timeoutCheckIntervalMs, requestTimeoutMs), maxHeaderSize: headerBytesMax }, handler),
    routerOptions: { maxParamLength: pathParamCharsMax },
    frameworkErrors: frameworkError,
    clientErrorHandler: (error, socket) => {
      if (socket.writable) socket.end(clientErrorResponse(error));
      else socket.destroy();
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  installErrorHandling(app);

  // JSON bodies are kept raw too: webhook signatures are computed over the exact bytes.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      const { text, value } = parseJsonBody(body as Buffer);
      (request as { rawBody?: string }).rawBody = text;
      done(null, value);
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  const metrics = new Metrics(ledger.db);
  ledger.observe(metrics.observer());
  const service = options.service ?? new FillbookService(ledger);
  service.alerts.observe((sinkKind, outcome) => metrics.alertAttempts.inc({ sink_kind: sinkKind, outcome }));
  const users = new Users(ledger.db);
  const access = new Access(users, ledger);
  const inbox = new WebhookInbox(ledger, service.sync);
  const delayMs = options.webhookProcessDelayMs ?? 0;
  const kickInbox = () => {
    setTimeout(() => {
      inbox.processDue().catch((error: unknown) => app.log.error({ err: error }, 'webhook inbox'));
    }, delayMs).unref();
  };

  const https = options.publicUrl?.startsWith('https://') === true;
  const secureCookies = options.secureCookies ?? https;
  // The usual security headers on every answer (the dashboard's above all): a CSP that allows only
  // this origin's scripts and no framing, nosniff, no referrer; HSTS only when served over https.
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // React and recharts set style attributes; no script can run from a style.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 15_552_000 } : false,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(fastifyCookie);
  const sessions = new Sessions(ledger.db, users);
  app.addHook('onRequest', async (request) => {
    // Decided on the route the router matched, never on the raw URL: `/%761/accounts` and
    // `/auth/%6cogout` are routed to `/v1/accounts` and `/auth/logout`, so they are guarded as those.
    const route = request.routeOptions.url;
    if (route === undefined) return; // no route: answered 404 without looking at credentials
    const guarded = (route.startsWith('/v1/') && !route.startsWith('/v1/webhooks/')) || route === '/auth/logout' || route === '/auth/session';
    if (!guarded) return;
    // A bot sends its API key; the dashboard sends its session cookie, and on every state-changing
    // request the session's CSRF token in a header (a cross-site form cannot read or send it).
    if (request.headers.authorization !== undefined) {
      request.user = await access.authenticate(request);
      return;
    }
    const token = request.cookies[sessionCookieName];
    const session = token === undefined ? undefined : await sessions.find(token);
    if (session === undefined) {
      request.user = await access.authenticate(request); // throws the 401 that names both ways in
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD' && !csrfMatches(session.csrfToken, request.headers[csrfHeaderName] as string | undefined)) {
      throw new FillbookError('FILLBOOK_ERR_FORBIDDEN', `a signed-in request that changes something must carry the session's ${csrfHeaderName} header`, {});
    }
    request.user = session.user;
  });
  // Query strings and path parameters are text too: NUL and lone surrogates are refused before any
  // schema or SQL sees them (a JSON body is checked by its parser).
  app.addHook('preValidation', async (request) => {
    for (const [where, values] of [['querystring', request.query], ['params', request.params]] as const) {
      if (typeof values !== 'object' || values === null) continue;
      for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
        for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') checkText(item, `${where}.${key}`);
      }
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    metrics.requestDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    // Method, route, URL (ids, never a secret: keys and signatures travel in headers), status, time.
    request.log.info({ method: request.method, route, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, 'request');
  });

  documentErrorResponses(app);
  installIdempotency(app, ledger.db);
  await app.register(fastifySwagger, swaggerOptions());

  const typed = app.withTypeProvider<ZodTypeProvider>();
  const context: RouteContext = { ledger, sessions, streamRecheckMs: options.streamRecheckMs ?? streamRecheckMsDefault, service, access, inbox, kickInbox };
  registerAccountRoutes(typed, context);
  registerPositionRoutes(typed, context);
  registerOrderRoutes(typed, context);
  registerFeeRoutes(typed, context);
  registerFillRoutes(typed, context);
  registerFillListingRoutes(typed, context);
  registerWebhookRoutes(typed, context);
  registerPaperRoutes(typed, context);
  registerReconciliationRoutes(typed, context);
  registerVenueItemRoutes(typed, context);
  registerImportRoutes(typed, context);
  registerAlertRoutes(typed, context);
  registerSessionRoutes(typed, { sessions, secureCookies, throttle: new LoginThrottle(ledger.db) });
  registerStreamRoute(typed, context);
  await registerDashboard(app);

  app.get('/healthz', { schema: { hide: true } }, async () => {
    await ledger.db.query('select 1');
    return { status: 'ok', engine: ledger.db.engine };
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.ready();
  return { app, service, users, inbox, metrics };
}
