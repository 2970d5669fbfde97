import { createHmac } from 'node:crypto';
import WebSocket from 'ws';
import type { CcxtConfig, CcxtCredentials } from './ccxt-config.js';
import { bybitWsReplySchema, bybitWsTopicSchema } from './bybit-schemas.js';
import { backoffDelayMs } from './ccxt-errors.js';

/** A connection silent (not even a pong) for this many ping intervals is presumed dead and replaced. */
const silentIntervalsMax = 3;
/** The auth signature is valid until now + this. */
const authExpiresInMs = 10_000;
const messageBytesMax = 5_000_000;

export interface BybitStreamHandlers {
  onOrder(raw: unknown): void;
  onExecution(raw: unknown): void;
  onReconnected(): void;
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
export class BybitStream {
  private socket: WebSocket | null = null;
  private stopped = false;
  private subscribedOnce = false;
  private failures = 0;
  private requestId = 0;
  private pinger: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private lastMessageAt = 0;

  constructor(
    private readonly url: string,
    private readonly credentials: CcxtCredentials,
    private readonly config: CcxtConfig,
    private readonly handlers: BybitStreamHandlers,
  ) {}

  start(): void {
    if (this.socket === null && this.reconnectTimer === null && !this.stopped) this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.teardown();
  }

  private open(): void {
    const socket = new WebSocket(this.url, { maxPayload: messageBytesMax });
    this.socket = socket;
    this.lastMessageAt = Date.now();
    socket.on('open', () => {
      const expires = Date.now() + authExpiresInMs;
      const signature = createHmac('sha256', this.credentials.secret).update(`GET/realtime${expires}`).digest('hex');
      this.send(socket, { op: 'auth', args: [this.credentials.apiKey, expires, signature] });
    });
    socket.on('message', (data) => this.receive(socket, data.toString()));
    socket.on('error', (error) => this.handlers.onError(new Error(`bybit private stream: ${error.message}`)));
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.teardown();
      this.scheduleReconnect();
    });
  }

  private receive(socket: WebSocket, text: string): void {
    this.lastMessageAt = Date.now();
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

  private subscribed(socket: WebSocket): void {
    this.failures = 0;
    if (this.pinger !== null) clearInterval(this.pinger);
    this.pinger = setInterval(() => {
      if (Date.now() - this.lastMessageAt > silentIntervalsMax * this.config.pingIntervalMs) return this.fail(socket, new Error('bybit private stream went silent; reconnecting'));
      this.send(socket, { op: 'ping' });
    }, this.config.pingIntervalMs);
    if (this.subscribedOnce) this.handlers.onReconnected();
    this.subscribedOnce = true;
  }

  private send(socket: WebSocket, message: Record<string, unknown>): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ req_id: `fillbook-${++this.requestId}`, ...message }));
  }

  private fail(socket: WebSocket, error: unknown): void {
    this.handlers.onError(error);
    if (this.socket === socket) socket.terminate();
  }

  private teardown(): void {
    if (this.pinger !== null) clearInterval(this.pinger);
    this.pinger = null;
    const socket = this.socket;
    this.socket = null;
    if (socket !== null) {
      socket.removeAllListeners('close');
      socket.on('error', () => {});
      socket.terminate();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = this.config.reconnectDelayMs + backoffDelayMs(this.failures++, this.config.reconnectDelayMs, this.config.retryDelayMsMax);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.open();
    }, delay);
  }
}
