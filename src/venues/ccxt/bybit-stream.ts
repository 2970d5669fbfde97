import { createHmac } from 'node:crypto';
import WebSocket from 'ws';
import type { CcxtConfig, CcxtCredentials } from './ccxt-config.js';
import { bybitWsReplySchema, bybitWsTopicSchema } from './bybit-schemas.js';
import { ReconnectingSocket } from '../reconnecting-socket.js';

/** The auth signature is valid until now + this. */
const authExpiresInMs = 10_000;
const messageBytesMax = 5_000_000;

export interface BybitStreamHandlers {
  onOrder(raw: unknown): void;
  onExecution(raw: unknown): void;
  onReconnected(): void;
  onDisconnected(reason: string | null): void;
  onError(error: unknown): void;
}

/**
 * Bybit v5's private WebSocket, spoken directly rather than through ccxt.pro: ccxt.pro's
 * watchOrders/watchMyTrades resolve only when data arrives and expose neither the subscription
 * acknowledgement nor the reconnection, so a consumer could not be told "you may have missed
 * events" at the right moment; its trades also arrive as floats. The protocol is small:
 * `auth` with an HMAC of `GET/realtime<expires>`, `subscribe` to `order` and `execution`, a `ping`
 * every `pingIntervalMs`. Bybit does not replay missed messages, so after a reconnect the
 * subscription acknowledgement triggers `onReconnected`.
 */
export class BybitStream extends ReconnectingSocket {
  private requestId = 0;

  constructor(
    url: string,
    private readonly credentials: CcxtCredentials,
    config: CcxtConfig,
    private readonly handlers: BybitStreamHandlers,
  ) {
    super(
      url,
      { maxPayload: messageBytesMax },
      { reconnectDelayMs: config.reconnectDelayMs, retryDelayMsMax: config.retryDelayMsMax, keepaliveIntervalMs: config.pingIntervalMs },
      handlers,
      'bybit private stream',
    );
  }

  protected opened(socket: WebSocket): void {
    const expires = Date.now() + authExpiresInMs;
    const signature = createHmac('sha256', this.credentials.secret).update(`GET/realtime${expires}`).digest('hex');
    this.send(socket, { op: 'auth', args: [this.credentials.apiKey, expires, signature] });
  }

  protected keepalive(socket: WebSocket): void {
    this.send(socket, { op: 'ping' });
  }

  protected received(socket: WebSocket, text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.handlers.onError(new Error('bybit private stream sent a message that is not JSON'));
      return;
    }
    const topic = bybitWsTopicSchema.safeParse(json);
    if (topic.success) {
      // `order` / `order.linear` and `execution` / `execution.linear`; `execution.fast` lacks fields we need and is not subscribed.
      const [name, variant] = topic.data.topic.split('.');
      if (name === 'order') for (const item of topic.data.data) this.handlers.onOrder(item);
      else if (name === 'execution' && variant !== 'fast') for (const item of topic.data.data) this.handlers.onExecution(item);
      return;
    }
    const reply = bybitWsReplySchema.safeParse(json);
    if (!reply.success) return;
    if (reply.data.op === 'auth') {
      if (reply.data.success !== true) return this.fail(socket, new Error(`bybit refused the stream login: ${reply.data.ret_msg ?? 'no reason given'}`));
      this.send(socket, { op: 'subscribe', args: ['order', 'execution'] });
    } else if (reply.data.op === 'subscribe') {
      if (reply.data.success !== true) return this.fail(socket, new Error(`bybit refused the subscription: ${reply.data.ret_msg ?? 'no reason given'}`));
      this.subscribed(socket);
    }
  }

  private send(socket: WebSocket, message: Record<string, unknown>): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ req_id: `fillbook-${++this.requestId}`, ...message }));
  }
}
