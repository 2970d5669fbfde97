import { ApiError, FetchError, trading } from '@alpacahq/alpaca-trade-api/rest';
import { VenueError } from '../venue.js';
import type { AlpacaConfig, AlpacaCredentials } from './alpaca-config.js';
import { alpacaFeeActivityTypes } from './alpaca-fees.js';
import { alpacaErrorMessage } from './alpaca-payloads.js';
import { parseJsonLossless, sleep, transportFailure, waitMs } from '../wire.js';

/** The answer to a request that changes something at the venue. */
export type WriteOutcome =
  | { kind: 'ok'; body: unknown }
  /** The venue answered no: nothing happened. */
  | { kind: 'refused'; status: number; message: string }
  /** The request never left (connection refused, no such host). */
  | { kind: 'unreachable'; message: string }
  /** It may or may not have happened (a 5xx, a timeout, a dropped connection). */
  | { kind: 'ambiguous'; message: string };

type RawCall = () => Promise<{ raw: Response }>;

export interface ActivityQuery {
  after: Date;
  pageSize: number;
  pageToken: string | undefined;
}

/**
 * Alpaca's REST API through its SDK (`@alpacahq/alpaca-trade-api`): the SDK builds the requests,
 * signs them, times them out and keeps under the rate limit (its token bucket, set to
 * `requestsPerMinute`), and takes `basePath`, so the tests point it at a local fake. Two things
 * stay here: the bodies are read raw (the `…Raw` methods) and parsed by the adapter's own schemas,
 * losslessly, rather than through the SDK's models; and the retry policy, which the SDK would apply
 * to 429s by `Retry-After` only, while Alpaca signals the wait in `X-RateLimit-Reset` (the SDK's
 * `ApiError.retryAfterMs` reads both).
 */
export class AlpacaRest {
  readonly #orders: trading.OrdersApi;
  readonly #activities: trading.AccountActivitiesApi;
  readonly #positions: trading.PositionsApi;

  constructor(
    private readonly config: AlpacaConfig,
    credentials: AlpacaCredentials,
  ) {
    const configuration = new trading.Configuration({
      keyId: credentials.keyId,
      secret: credentials.secretKey,
      basePath: config.baseUrl,
      timeoutMs: config.timeoutMs,
      rateLimit: { maxRequests: config.requestsPerMinute, intervalMs: 60_000 },
      retry: { maxRetries: 0 },
    });
    this.#orders = new trading.OrdersApi(configuration);
    this.#activities = new trading.AccountActivitiesApi(configuration);
    this.#positions = new trading.PositionsApi(configuration);
  }

  getOrder(orderId: string): Promise<unknown> {
    return this.read(`GET /v2/orders/${orderId}`, () => this.#orders.getOrderByOrderIDRaw({ orderId }), true);
  }

  getOrderByClientId(clientOrderId: string): Promise<unknown> {
    return this.read('GET /v2/orders:by_client_order_id', () => this.#orders.getOrderByClientOrderIdRaw({ clientOrderId }), true);
  }

  listOpenOrders(after: string | undefined, limit: number): Promise<unknown> {
    return this.read('GET /v2/orders', () => this.#orders.getAllOrdersRaw({ status: 'open', limit, direction: 'asc', nested: false, after }), false);
  }

  /** Orders submitted after `after` (exclusive), oldest first: all of them, or (`closed`) those Alpaca has closed. */
  listOrdersAfter(after: string, limit: number, status: 'all' | 'closed'): Promise<unknown> {
    return this.read('GET /v2/orders', () => this.#orders.getAllOrdersRaw({ status, limit, direction: 'asc', nested: false, after }), false);
  }

  listFillActivities(query: ActivityQuery): Promise<unknown> {
    return this.read('GET /v2/account/activities/FILL', () =>
      this.#activities.getAccountActivitiesByActivityTypeRaw({ activityType: 'FILL', after: query.after, direction: 'asc', pageSize: query.pageSize, pageToken: query.pageToken }), false);
  }

  /** The fee activities (FEE, CFEE, PTC) after `after`, oldest first, from the page token on. */
  listFeeActivities(query: ActivityQuery): Promise<unknown> {
    return this.read('GET /v2/account/activities', () =>
      this.#activities.getAccountActivitiesRaw({
        activityTypes: [...alpacaFeeActivityTypes] as trading.ActivityType[],
        after: query.after,
        direction: 'asc',
        pageSize: query.pageSize,
        pageToken: query.pageToken,
      }), false);
  }

  listPositions(): Promise<unknown> {
    return this.read('GET /v2/positions', () => this.#positions.getAllOpenPositionsRaw(), false);
  }

  submitOrder(body: trading.PostOrderRequest): Promise<WriteOutcome> {
    return this.write('POST /v2/orders', () => this.#orders.postOrderRaw({ postOrderRequest: body }));
  }

  cancelOrder(orderId: string): Promise<WriteOutcome> {
    return this.write(`DELETE /v2/orders/${orderId}`, () => this.#orders.deleteOrderByOrderIDRaw({ orderId }));
  }

  /**
   * A read: retried after a 429 (waiting as asked), a 5xx or a lost connection, at most `retriesMax`
   * times. `undefined` for a 404 when `notFound` allows it.
   */
  private async read(label: string, call: RawCall, notFound: boolean): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      let failure: { message: string; askedMs?: number };
      try {
        return await body(await call());
      } catch (error) {
        if (error instanceof ApiError) {
          if (notFound && error.status === 404) return undefined;
          if (error.status !== 429 && error.status < 500) throw new VenueError('unavailable', `Alpaca answered ${label} with ${error.status}: ${error.message}`);
          failure = { message: `${error.status} ${error.message}`, askedMs: error.status === 429 ? error.retryAfterMs : undefined };
        } else if (error instanceof FetchError) {
          failure = { message: transportFailure(error).message };
        } else {
          throw error;
        }
      }
      if (attempt >= this.config.retriesMax) throw new VenueError('unavailable', `Alpaca ${label} failed after ${attempt + 1} attempt(s): ${failure.message}`);
      await sleep(waitMs(failure.askedMs, attempt, this.config.retryDelayMs, this.config.retryDelayMaxMs));
    }
  }

  /**
   * A write: retried only after a 429, which Alpaca answers before doing anything. Anything that
   * leaves the outcome open is reported as such, for the caller to resolve by looking, not resending.
   */
  private async write(label: string, call: RawCall): Promise<WriteOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        return { kind: 'ok', body: await body(await call()) };
      } catch (error) {
        if (error instanceof ApiError) {
          if (error.status >= 500 || error.status === 408) return { kind: 'ambiguous', message: `${label}: ${error.status} ${error.message}` };
          if (error.status !== 429 || attempt >= this.config.retriesMax) return { kind: 'refused', status: error.status, message: error.message };
          await sleep(waitMs(error.retryAfterMs, attempt, this.config.retryDelayMs, this.config.retryDelayMaxMs));
          continue;
        }
        if (error instanceof FetchError) {
          const failure = transportFailure(error);
          return failure.reached ? { kind: 'ambiguous', message: `${label}: ${failure.message}` } : { kind: 'unreachable', message: `${label}: ${failure.message}` };
        }
        throw error;
      }
    }
  }
}

async function body(response: { raw: Response }): Promise<unknown> {
  const text = await response.raw.text();
  if (text === '') return undefined;
  try {
    return parseJsonLossless(text);
  } catch {
    throw new Error(`alpaca: the response is not JSON: ${alpacaErrorMessage(text)}`);
  }
}
